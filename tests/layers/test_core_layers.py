"""Dense, Activation, Flatten, Reshape, InputLayer against NumPy references."""
import numpy as np
import pytest

import tkeras as keras
from tests.layer_testing import run_layer_test
from tkeras import layers


def test_dense_forward_matches_numpy():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3)).astype("float32")
    kernel = rng.standard_normal((3, 2)).astype("float32")
    bias = rng.standard_normal(2).astype("float32")
    layer = layers.Dense(2, activation="tanh")
    layer(x)
    layer.set_weights([kernel, bias])
    np.testing.assert_allclose(layer(x).detach().numpy(), np.tanh(x @ kernel + bias), rtol=1e-5, atol=1e-6)


def test_dense_harness():
    run_layer_test(layers.Dense, {"units": 4, "activation": "relu"}, input_shape=(2, 3),
                   expected_output_shape=(2, 4), expected_num_trainable_weights=2)


def test_dense_on_3d_input_uses_last_axis():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    layer = layers.Dense(5, use_bias=False)
    out = layer(x).detach().numpy()
    np.testing.assert_allclose(out, x @ layer.get_weights()[0], rtol=1e-5)
    assert layer.compute_output_shape((None, 3, 4)) == (None, 3, 5)


def test_dense_keras1_spellings():
    layer = layers.Dense(output_dim=3, input_dim=2, init="uniform")
    out = layer(np.ones((1, 2), dtype="float32"))
    assert tuple(out.shape) == (1, 3)
    assert np.abs(layer.get_weights()[0]).max() <= 0.05


def test_dense_glorot_uniform_limit():
    layer = layers.Dense(300)
    layer(np.zeros((1, 200), dtype="float32"))
    limit = np.sqrt(6 / (200 + 300))
    kernel = layer.get_weights()[0]
    assert kernel.max() <= limit and kernel.min() >= -limit and kernel.max() > 0.9 * limit


def test_dense_wrong_last_dimension_names_layer_and_shapes():
    layer = layers.Dense(2, name="clf")
    layer(np.zeros((1, 4), dtype="float32"))
    with pytest.raises(ValueError, match=r"'clf'.*value 4.*\(None, 5\)"):
        layer(np.zeros((1, 5), dtype="float32"))
    with pytest.raises(ValueError, match=r"'clf'.*min_ndim=2, found ndim=1"):
        layer(np.zeros(4, dtype="float32"))


def test_dense_invalid_units():
    with pytest.raises(ValueError, match="positive integer"):
        layers.Dense(0)


def test_activation_layer_and_softmax_axis():
    x = np.array([[1.0, 2.0, 3.0]], dtype="float32")
    out = layers.Activation("softmax")(x).detach().numpy()
    e = np.exp(x - x.max())
    np.testing.assert_allclose(out, e / e.sum(), rtol=1e-6)
    run_layer_test(layers.Activation, {"activation": "relu"}, input_shape=(2, 3), expected_output_shape=(2, 3))


def test_flatten_and_reshape():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(layers.Flatten()(x).numpy(), x.reshape(2, 12))
    np.testing.assert_array_equal(layers.Reshape((4, -1))(x).numpy(), x.reshape(2, 4, 3))
    run_layer_test(layers.Reshape, {"target_shape": (6, 2)}, input_shape=(2, 3, 4), expected_output_shape=(2, 6, 2))
    run_layer_test(layers.Flatten, {}, input_shape=(2, 3, 4), expected_output_shape=(2, 12))
    with pytest.raises(ValueError, match="target_shape"):
        layers.Reshape((5, 5))(x)


def test_input_gives_symbolic_shape():
    t = keras.Input(shape=(4,))
    assert t.shape == (None, 4)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])
    assert model.built and model.output_shape == (None, 2)
