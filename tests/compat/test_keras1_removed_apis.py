"""Keras 1 APIs that Keras 2.0 removed and old scripts still use, provided under the import hook:
the batch-wise fmeasure/precision/recall metrics, np_utils.probas_to_classes, the Theano/TensorFlow
kernel flips, and the Highway and MaxoutDense layers. References are NumPy re-computations of the
Keras 1 definitions."""
import numpy as np
import pytest

from tkeras.compat.import_hook import install, uninstall


@pytest.fixture
def keras():
    install()
    import keras as aliased
    yield aliased
    uninstall()


def _batch_counts(y_true, y_pred):
    rounded = np.round(np.clip(y_pred, 0, 1))
    return np.sum(np.round(np.clip(y_true * y_pred, 0, 1))), rounded.sum(), np.round(np.clip(y_true, 0, 1)).sum()


def test_keras1_metric_functions_are_the_batch_ratios(keras):
    from keras.metrics import fbeta_score, fmeasure, precision, recall
    y_true = np.array([[1], [0], [1], [1], [0], [1]], "float32")
    y_pred = np.array([[0.9], [0.7], [0.2], [0.6], [0.1], [0.5]], "float32")  # 0.5 rounds to 0
    tp, predicted, actual = _batch_counts(y_true, y_pred)
    eps = 1e-7
    p, r = tp / (predicted + eps), tp / (actual + eps)
    assert float(precision(y_true, y_pred)) == pytest.approx(p, rel=1e-6)  # 2 of 3
    assert float(recall(y_true, y_pred)) == pytest.approx(r, rel=1e-6)  # 2 of 4
    assert float(fmeasure(y_true, y_pred)) == pytest.approx(2 * p * r / (p + r + eps), rel=1e-6)
    assert float(fbeta_score(y_true, y_pred, beta=2)) == pytest.approx(5 * p * r / (4 * p + r + eps), rel=1e-6)
    assert float(fmeasure(np.zeros((3, 1), "float32"), y_pred[:3])) == 0.0  # no positives: 0, as Keras 1
    with pytest.raises(ValueError, match="beta must be >= 0"):
        fbeta_score(y_true, y_pred, beta=-1)


def test_compile_takes_fmeasure_by_name_and_logs_the_mean_of_batches(keras):
    from keras.metrics import precision
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.models.Sequential([keras.layers.Dense(1, activation="sigmoid", input_dim=3)])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["fmeasure", precision])
    result = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert sorted(result) == ["fmeasure", "loss", "precision"]
    y_pred = model.predict(x, batch_size=16, verbose=0)
    batches = [_batch_counts(y[i:i + 16], y_pred[i:i + 16]) for i in range(0, 64, 16)]
    precisions = [tp / (pp + 1e-7) for tp, pp, _ in batches]
    assert result["precision"] == pytest.approx(np.mean(precisions), rel=1e-5)


def test_probas_to_classes(keras):
    from keras.utils.np_utils import categorical_probas_to_classes, probas_to_classes
    np.testing.assert_array_equal(probas_to_classes(np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])), [1, 0])
    np.testing.assert_array_equal(probas_to_classes(np.array([[0.7], [0.5], [0.2]])), [1, 0, 0])
    np.testing.assert_array_equal(probas_to_classes(np.array([0.6, 0.4])), [1, 0])
    np.testing.assert_array_equal(categorical_probas_to_classes(np.eye(3)[[2, 0]]), [2, 0])


def test_convert_kernel_flips_the_spatial_axes(keras):
    from keras.utils.conv_utils import convert_kernel
    from keras.utils.np_utils import convert_kernel as keras1_convert_kernel
    kernel = np.arange(2 * 3 * 4 * 5, dtype="float32").reshape(2, 3, 4, 5)  # (rows, cols, in, out)
    np.testing.assert_array_equal(convert_kernel(kernel), kernel[::-1, ::-1])
    np.testing.assert_array_equal(convert_kernel(convert_kernel(kernel)), kernel)
    theano_layout = kernel.transpose(3, 2, 0, 1)  # (out, in, rows, cols)
    np.testing.assert_array_equal(keras1_convert_kernel(theano_layout, dim_ordering="th"),
                                  theano_layout[:, :, ::-1, ::-1])
    with pytest.raises(ValueError, match="rank 3 or more"):
        convert_kernel(np.ones((3, 3)))


def test_convert_all_kernels_in_model_turns_correlation_into_convolution(keras):
    from keras.utils.layer_utils import convert_all_kernels_in_model
    rng = np.random.default_rng(1)
    model = keras.models.Sequential([keras.layers.Conv1D(1, 3, use_bias=False, input_shape=(6, 1)),
                                     keras.layers.Flatten(), keras.layers.Dense(1)])
    kernel = rng.standard_normal((3, 1, 1)).astype("float32")
    model.layers[0].set_weights([kernel])
    dense_before = model.layers[2].get_weights()
    convert_all_kernels_in_model(model)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], kernel[::-1])
    for before, after in zip(dense_before, model.layers[2].get_weights()):
        np.testing.assert_array_equal(before, after)  # only convolution kernels change
    signal = rng.standard_normal(6).astype("float32")
    feature = keras.models.Model(model.inputs, model.layers[0].output)
    got = feature.predict(signal.reshape(1, 6, 1), verbose=0).ravel()
    np.testing.assert_allclose(got, np.convolve(signal, kernel.ravel(), mode="valid"), rtol=1e-5, atol=1e-6)


def test_highway_mixes_the_transform_and_the_input_by_its_gate(keras):
    rng = np.random.default_rng(2)
    layer = keras.layers.Highway(activation="relu", input_dim=4)
    model = keras.models.Sequential([layer])
    assert [w.shape for w in layer.get_weights()] == [(4, 4), (4,), (4, 4), (4,)]  # W, b, W_carry, b_carry
    np.testing.assert_array_equal(layer.get_weights()[3], np.full(4, -2.0))  # transform_bias
    W, b, W_carry, b_carry = (rng.standard_normal(s).astype("float32") for s in [(4, 4), 4, (4, 4), 4])
    layer.set_weights([W, b, W_carry, b_carry])
    x = rng.standard_normal((5, 4)).astype("float32")
    gate = 1 / (1 + np.exp(-(x @ W_carry + b_carry)))
    expected = gate * np.maximum(x @ W + b, 0) + (1 - gate) * x
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert model.output_shape == (None, 4)
    config = layer.get_config()
    assert config["transform_bias"] == -2 and config["activation"] == "relu"


def test_maxout_dense_is_the_maximum_of_its_affine_pieces(keras):
    rng = np.random.default_rng(3)
    layer = keras.layers.MaxoutDense(3, nb_feature=2, input_dim=4, init="uniform")
    model = keras.models.Sequential([layer])
    assert [w.shape for w in layer.get_weights()] == [(2, 4, 3), (2, 3)]
    W, b = rng.standard_normal((2, 4, 3)).astype("float32"), rng.standard_normal((2, 3)).astype("float32")
    layer.set_weights([W, b])
    x = rng.standard_normal((5, 4)).astype("float32")
    expected = np.max(np.einsum("bi,fio->bfo", x, W) + b, axis=1)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert model.output_shape == (None, 3)
    model.compile("sgd", "mse")
    model.fit(x, expected, epochs=1, verbose=0)  # trains
    with pytest.raises(ValueError, match="MaxoutDense: output_dim and nb_feature must be positive"):
        keras.layers.MaxoutDense(0)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_highway_and_maxout_models_save_and_load(keras, tmp_path, suffix):
    rng = np.random.default_rng(4)
    model = keras.models.Sequential([keras.layers.Highway(input_dim=4, transform_bias=-1),
                                     keras.layers.MaxoutDense(2, nb_feature=3)])
    model.compile("sgd", "mse", metrics=["fmeasure"])
    x = rng.standard_normal((6, 4)).astype("float32")
    model.fit(x, rng.standard_normal((6, 2)), verbose=0)
    model.save(tmp_path / f"m{suffix}")
    restored = keras.models.load_model(tmp_path / f"m{suffix}")
    assert [type(layer).__name__ for layer in restored.layers] == ["Highway", "MaxoutDense"]
    assert restored.layers[0].transform_bias == -1 and restored.layers[1].nb_feature == 3
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
