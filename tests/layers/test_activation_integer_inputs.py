"""Float activations on integer tensors promote them to the float dtype, as Keras 3.15.1 does (checked
with real Keras on JAX: every built-in activation gives float32 on an int32 input except relu and
linear, which keep int32; softmax's value is the float softmax)."""
import numpy as np
import pytest
import torch

import tkeras as keras

KEEP_INTEGERS = {"relu", "linear"}
FLOAT_ACTIVATIONS = [
    "softmax", "sigmoid", "tanh", "elu", "gelu", "softplus", "hard_sigmoid", "exponential", "log_softmax", "selu",
    "swish", "silu", "relu6", "leaky_relu", "mish", "softsign", "hard_silu", "hard_swish", "celu", "glu",
    "log_sigmoid", "sparse_plus", "sparsemax", "squareplus", "tanh_shrink", "sparse_sigmoid",
]
INTS = np.array([[1, 2, 3, 4]], dtype="int32")


@pytest.mark.parametrize("name", FLOAT_ACTIVATIONS)
def test_activation_layer_promotes_integer_input(name):
    out = keras.layers.Activation(name)(INTS)
    assert out.dtype == torch.float32
    expected = keras.layers.Activation(name)(INTS.astype("float32"))
    np.testing.assert_allclose(np.asarray(out), np.asarray(expected), rtol=1e-6)


@pytest.mark.parametrize("name", sorted(KEEP_INTEGERS))
def test_relu_and_linear_keep_integers(name):
    out = keras.layers.Activation(name)(INTS)
    assert out.dtype == torch.int32
    np.testing.assert_array_equal(np.asarray(out), INTS)


def test_softmax_of_integers_matches_numpy():
    e = np.exp(INTS - INTS.max())
    np.testing.assert_allclose(np.asarray(keras.layers.Activation("softmax")(INTS)), e / e.sum(), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(keras.activations.softmax(torch.tensor(INTS))), e / e.sum(), rtol=1e-6)


@pytest.mark.parametrize("name", ["softmax", "tanh", "gelu", "hard_sigmoid", "leaky_relu", "relu6", "mish"])
def test_activation_functions_promote_integer_tensors(name):
    out = keras.activations.get(name)(torch.tensor(INTS))
    assert out.dtype == torch.float32


def test_bool_input_is_promoted_too():
    out = keras.activations.tanh(torch.tensor([True, False]))
    assert out.dtype == torch.float32
    np.testing.assert_allclose(np.asarray(out), np.tanh([1.0, 0.0]), rtol=1e-6)


def test_dense_model_on_integer_input_with_softmax_activation_layer():
    inputs = keras.Input((4,), dtype="int32")
    model = keras.Model(inputs, keras.layers.Activation("softmax")(inputs))
    out = model.predict(INTS, verbose=0)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.sum(), 1.0, rtol=1e-6)
