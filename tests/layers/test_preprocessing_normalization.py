import numpy as np
import pytest

import tkeras as keras
from tests.layer_testing import run_layer_test
from tkeras.compat.tf_namespace import data as tf_data


def _data(shape=(64, 3), seed=0):
    return np.random.default_rng(seed).normal(4.0, 3.0, shape).astype("float32")


def test_adapt_per_feature_matches_numpy():
    x = _data()
    layer = keras.layers.Normalization()
    layer.adapt(x)
    mean, var, count = layer.get_weights()
    np.testing.assert_allclose(mean, x.astype(np.float64).mean(0), rtol=1e-6)
    np.testing.assert_allclose(var, x.astype(np.float64).var(0), rtol=1e-6)
    assert count == 64
    expected = (x - x.mean(0)) / np.sqrt(x.var(0))
    np.testing.assert_allclose(layer(x).numpy(), expected, atol=1e-5)


def test_weights_are_named_and_ordered_as_in_keras_3():
    layer = keras.layers.Normalization()
    layer.adapt(_data())
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 3
    assert str(layer.weights[2].dtype).endswith("int64")


def test_keras_docstring_examples():
    layer = keras.layers.Normalization(axis=None)
    layer.adapt(np.array([1., 2., 3., 4., 5.], dtype="float32"))
    np.testing.assert_allclose(layer(np.array([1., 2., 3.], dtype="float32")).numpy(),
                               [-1.4142135, -0.70710677, 0.], atol=1e-6)
    given = keras.layers.Normalization(mean=3., variance=2.)
    np.testing.assert_allclose(given(np.array([[1.], [2.], [3.]], dtype="float32")).numpy(),
                               [[-1.4142135], [-0.70710677], [0.]], atol=1e-6)
    assert given.weights == []
    inverse = keras.layers.Normalization(axis=-1, invert=True)
    inverse.adapt(np.array([[0., 7., 4.], [2., 9., 6.], [0., 7., 4.], [2., 9., 6.]], dtype="float32"))
    np.testing.assert_allclose(inverse(np.array([[1., 2., 3.]], dtype="float32")).numpy(), [[2., 10., 8.]])


def test_batched_sources_give_the_statistics_of_the_whole_data():
    x = _data((100, 2, 3), seed=1)
    reference = x.astype(np.float64)
    for source in (tf_data.Dataset.from_tensor_slices((x, np.zeros(100))).batch(7),  # (x, y) elements
                   [x[:13], x[13:50], x[50:]],
                   (x[i:i + 30] for i in range(0, 100, 30))):
        layer = keras.layers.Normalization(axis=(1, 2))
        layer.adapt(source)
        mean, var, _ = layer.get_weights()
        np.testing.assert_allclose(mean, reference.mean(0), rtol=1e-5)
        np.testing.assert_allclose(var, reference.var(0), rtol=1e-5)


def test_axis_none_and_middle_axis():
    x = _data((10, 4, 3), seed=2)
    everything = keras.layers.Normalization(axis=None)
    everything.adapt(x)
    np.testing.assert_allclose(everything(x).numpy(), (x - x.mean()) / x.std(), atol=1e-4)
    middle = keras.layers.Normalization(axis=1)
    middle.adapt(x)
    mean = x.mean(axis=(0, 2), keepdims=True)
    std = x.std(axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(middle(x).numpy(), (x - mean) / std, atol=1e-4)


def test_given_statistics_broadcast_over_the_kept_axes():
    x = _data((5, 3))
    layer = keras.layers.Normalization(mean=[1., 2., 3.], variance=[4., 9., 16.])
    np.testing.assert_allclose(layer(x).numpy(), (x - [1., 2., 3.]) / np.array([2., 3., 4.]), rtol=1e-6)


def test_harness_and_config_round_trip():
    run_layer_test(keras.layers.Normalization, {"mean": [0.5, 1.0, 2.0], "variance": [1.0, 4.0, 0.25]},
                   input_shape=(4, 3), expected_output_shape=(4, 3), expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0)
    layer = keras.layers.Normalization(axis=(1, 2), invert=True)
    config = layer.get_config()
    assert config["axis"] == (1, 2) and config["invert"] is True and config["mean"] is None
    clone = keras.layers.Normalization.from_config({**config, "axis": [1, 2]})  # JSON turns tuples into lists
    assert clone.axis == (1, 2)


def test_inside_a_model_fit_predict_and_keras_file(tmp_path):
    x = _data((128, 3))
    y = (x @ np.array([1., -1., 0.5], dtype="float32"))[:, None]
    normalizer = keras.layers.Normalization()
    normalizer.adapt(x)
    model = keras.Sequential([keras.Input((3,)), normalizer, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = normalizer.get_weights()
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    for kept, now in zip(before, normalizer.get_weights()):  # statistics are not trained
        np.testing.assert_array_equal(kept, now)
    expected = model.predict(x[:5], verbose=0)
    model.save(tmp_path / "model.keras")
    restored = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(restored.predict(x[:5], verbose=0), expected, atol=1e-6)


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="must be given together"):
        keras.layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        keras.layers.Normalization(mean=[1., 2.], variance=[1.])
    layer = keras.layers.Normalization(axis=2)
    with pytest.raises(ValueError, match="out of range"):
        layer.adapt(np.zeros((4, 3), "float32"))
    built = keras.layers.Normalization()
    built.adapt(np.zeros((4, 3), "float32"))
    with pytest.raises(ValueError, match="built for inputs of shape"):
        built.adapt(np.zeros((4, 5), "float32"))
    with pytest.raises(ValueError, match="given `mean` and `variance`"):
        keras.layers.Normalization(mean=0., variance=1.).adapt(np.zeros((2, 1)))
