"""tf-keras 2's keras.experimental: LinearModel (against the least-squares solution and hand-computed
outputs), WideDeepModel (sum of both halves, two optimizers, config round trip, .keras file), the
schedule aliases and the two refused names."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import experimental


def test_linear_model_fits_the_least_squares_solution():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3)).astype("float32")
    y = (x @ np.array([[1.5], [-2.0], [0.5]]) + 0.25 + rng.normal(scale=0.1, size=(200, 1))).astype("float32")
    model = experimental.LinearModel()
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.fit(x, y, epochs=60, batch_size=200, verbose=0)
    design = np.hstack([x, np.ones((200, 1))])
    solution = np.linalg.lstsq(design, y, rcond=None)[0].ravel()
    bias, kernel = model.get_weights()  # own weight first, as tf-keras orders them
    np.testing.assert_allclose(np.append(kernel.ravel(), bias), solution, atol=2e-3)


def test_linear_model_sums_one_kernel_per_input_with_one_bias():
    a, b = np.ones((2, 2), "float32"), np.full((2, 3), 2.0, "float32")
    model = experimental.LinearModel(units=2, activation="relu", kernel_initializer="ones", bias_initializer="ones")
    out = model({"b": b, "a": a}).numpy()
    assert [layer.name for layer in model.dense_layers] == ["a", "b"]  # sorted keys
    np.testing.assert_allclose(out, np.full((2, 2), 2 * 1 + 3 * 2 + 1.0))
    with pytest.raises(ValueError, match=r"missing: \['b'\]"):
        model({"a": a})
    listed = experimental.LinearModel(kernel_initializer="ones", use_bias=False)
    np.testing.assert_allclose(listed([a, b]).numpy(), [[8.0], [8.0]])
    assert len(listed.weights) == 2
    config = experimental.LinearModel(units=3, activation="sigmoid").get_config()
    assert config["units"] == 3 and config["activation"] == "sigmoid" and config["use_bias"] is True
    assert experimental.LinearModel.from_config(config).units == 3


def _wide_deep(activation=None):
    linear = experimental.LinearModel(kernel_initializer="ones")
    dnn = keras.Sequential([keras.layers.Dense(4, activation="relu", kernel_initializer="ones"),
                            keras.layers.Dense(1, kernel_initializer="ones")])
    return experimental.WideDeepModel(linear, dnn, activation=activation)


def test_wide_deep_output_is_the_sum_of_both_halves():
    x = np.array([[1.0, -2.0], [0.5, 0.5]], "float32")
    model = _wide_deep()
    expected_linear = x.sum(axis=1, keepdims=True)
    expected_dnn = 4 * np.maximum(x.sum(axis=1, keepdims=True), 0)
    np.testing.assert_allclose(model(x).numpy(), expected_linear + expected_dnn, rtol=1e-6)
    # a list of two inputs: the first to the linear model, the second to the deep one
    np.testing.assert_allclose(model([x, 2 * x]).numpy(), expected_linear + 2 * expected_dnn, rtol=1e-6)
    sigmoid = _wide_deep("sigmoid")
    np.testing.assert_allclose(sigmoid(x).numpy(), 1 / (1 + np.exp(-(expected_linear + expected_dnn))), rtol=1e-5)


def test_wide_deep_trains_each_half_with_its_own_optimizer(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 2)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = _wide_deep("sigmoid")
    model.compile(optimizer=[keras.optimizers.SGD(0.05), keras.optimizers.Adam(0.01)], loss="binary_crossentropy")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    linear_optimizer, dnn_optimizer = model.optimizers
    assert isinstance(linear_optimizer, keras.optimizers.SGD) and isinstance(dnn_optimizer, keras.optimizers.Adam)
    assert int(linear_optimizer.iterations) == 12 and int(dnn_optimizer.iterations) == 12
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    assert history.history["loss"][-1] < history.history["loss"][0]
    with pytest.raises(ValueError, match="one optimizer or a pair"):
        model.compile(optimizer=["sgd", "adam", "sgd"], loss="mse")
    clone = experimental.WideDeepModel.from_config(model.get_config())
    assert isinstance(clone.linear_model, experimental.LinearModel) and clone.activation is not None
    path = str(tmp_path / "wide_deep.keras")
    model.save(path)
    np.testing.assert_allclose(keras.saving.load_model(path)(x).numpy(), model(x).numpy(), rtol=1e-6)


def test_schedule_aliases_and_refused_names():
    assert keras.experimental.CosineDecay is keras.optimizers.schedules.CosineDecay
    assert keras.experimental.CosineDecayRestarts is keras.optimizers.schedules.CosineDecayRestarts
    with pytest.raises(NotImplementedError, match="SequenceFeatures .*not supported in tkeras.*FeatureSpace"):
        keras.experimental.SequenceFeatures([])
    with pytest.raises(NotImplementedError, match="SidecarEvaluator .*ModelCheckpoint"):
        keras.experimental.SidecarEvaluator(None, None)
