"""RMSNormalization and SpectralNormalization against real Keras 3.15.1 (fixture) and NumPy."""
import numpy as np
import pytest

import tkeras as keras
from tests.layer_testing import run_layer_test
from tests.layers.reference_13b import assert_matches_keras, numpy, reference, weights
from tkeras import layers


@pytest.mark.parametrize("case,kwargs", [("rms_last", {}), ("rms_axes", dict(axis=[1, 2], epsilon=1e-3))])
def test_rms_normalization_matches_keras(case, kwargs):
    x = reference()["rms/x"]
    layer = layers.RMSNormalization(**kwargs)
    layer(x)
    layer.set_weights(weights(case))
    assert_matches_keras(layer(x), f"{case}/y")


def test_rms_normalization_closed_form_weights_and_config():
    x = np.random.default_rng(1).standard_normal((3, 4, 6)).astype("float32") * 4
    layer, out = run_layer_test(layers.RMSNormalization, {"epsilon": 1e-5}, input_data=x,
                                expected_output_shape=(3, 4, 6), expected_num_trainable_weights=1)
    expected = x / np.sqrt((x.astype(np.float64) ** 2).mean(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(numpy(out), expected, atol=1e-5, rtol=1e-5)
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [("scale", (6,))]
    # Keras turns the axis into a list when it builds; the unbuilt config keeps what was given.
    assert layer.get_config()["axis"] == [-1]
    assert layers.RMSNormalization().get_config() == {"name": "rms_normalization_1", "trainable": True,
                                                      "dtype": "float32", "axis": -1, "epsilon": 1e-6}


def test_rms_normalization_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"'rms'.*axis=3 is out of range"):
        layers.RMSNormalization(axis=3, name="rms")(np.zeros((2, 4), "float32"))
    with pytest.raises(TypeError, match="axis must be an int or a list of ints, received axis='last'"):
        layers.RMSNormalization(axis="last")


@pytest.mark.parametrize("case,units,iterations,bias", [("spectral_dense", 3, 1, True),
                                                        ("spectral_dense_3iter", 5, 3, False)])
def test_spectral_normalization_matches_keras_after_a_training_call(case, units, iterations, bias):
    data = reference()
    x = data["spectral/x"]
    layer = layers.SpectralNormalization(layers.Dense(units, use_bias=bias), power_iterations=iterations)
    layer(x)
    layer.set_weights(weights(case))
    assert_matches_keras(layer(x, training=False), f"{case}/y_infer")
    np.testing.assert_array_equal(layer.get_weights()[0], weights(case)[0])  # inference leaves the kernel
    assert_matches_keras(layer(x, training=True), f"{case}/y_train")
    for i, value in enumerate(layer.get_weights()):
        np.testing.assert_allclose(value, data[f"{case}/after{i}"], atol=1e-5, rtol=1e-5)
    assert_matches_keras(layer(x), f"{case}/y_after")


def test_spectral_normalization_of_a_convolution_matches_keras():
    data = reference()
    layer = layers.SpectralNormalization(layers.Conv2D(4, 3))
    layer(data["spectral_conv/x"])
    layer.set_weights(weights("spectral_conv"))
    assert_matches_keras(layer(data["spectral_conv/x"], training=True), "spectral_conv/y_train")
    for i, value in enumerate(layer.get_weights()):
        np.testing.assert_allclose(value, data[f"spectral_conv/after{i}"], atol=1e-5, rtol=1e-5)


def test_spectral_normalization_converges_to_unit_spectral_norm_and_keeps_zero_kernels():
    rng = np.random.default_rng(2)
    layer = layers.SpectralNormalization(layers.Dense(4), power_iterations=5)
    x = rng.standard_normal((3, 6)).astype("float32")
    layer(x)
    for _ in range(5):
        layer(x, training=True)
    assert abs(np.linalg.svd(layer.get_weights()[0], compute_uv=False)[0] - 1.0) < 1e-4
    zero = layers.SpectralNormalization(layers.Dense(2, kernel_initializer="zeros"))
    zero(x)
    u = zero.get_weights()[1].copy()
    zero(x, training=True)
    np.testing.assert_array_equal(zero.get_weights()[0], 0.0)
    np.testing.assert_array_equal(zero.get_weights()[1], u)


def test_spectral_normalization_weights_config_and_errors():
    layer = layers.SpectralNormalization(layers.Dense(3, name="inner"), power_iterations=2, name="sn")
    layer(np.zeros((2, 5), "float32"))
    assert [w.name for w in layer.weights] == ["kernel", "vector_u", "bias"]
    assert [w.name for w in layer.trainable_weights] == ["kernel", "bias"]
    assert layer.kernel is layer.layer.kernel
    config = layer.get_config()
    assert list(config) == ["name", "trainable", "dtype", "layer", "power_iterations"]
    assert config["layer"]["class_name"] == "Dense" and config["power_iterations"] == 2
    clone = layers.SpectralNormalization.from_config(config)
    assert clone.layer.units == 3 and clone.power_iterations == 2
    assert isinstance(layer, layers.Wrapper)
    with pytest.raises(ValueError, match="power_iterations must be a positive integer, received power_iterations=0"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="'sn2'.*Dropout has neither a `kernel` nor an `embeddings`"):
        layers.SpectralNormalization(layers.Dropout(0.1), name="sn2")(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="`layer` must be a Layer instance"):
        layers.SpectralNormalization("dense")


def test_spectral_normalization_penalizes_a_regularized_kernel_once():
    layer = layers.SpectralNormalization(layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.5)))
    layer(np.ones((1, 3), "float32"))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0]), 0.5 * float((layer.get_weights()[0] ** 2).sum()), rtol=1e-5)


def test_spectral_normalization_trains_in_fit_and_round_trips_a_keras_file(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 4)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5], [0.0]], dtype="float32")
    model = keras.Sequential([keras.Input((4,)), layers.SpectralNormalization(layers.Dense(8)),
                              layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(x, y, epochs=2, verbose=0)
    path = str(tmp_path / "sn.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
