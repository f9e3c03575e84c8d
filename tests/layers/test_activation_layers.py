"""ReLU, LeakyReLU, PReLU, ELU and Softmax layers against NumPy."""
import numpy as np
import pytest
import torch

from tests.layer_testing import run_layer_test
from tkeras import layers

X = np.array([[-3.0, -1.0, -0.2, 0.0, 0.5, 2.0, 7.0]], dtype="float32")


def _out(layer, x=X):
    return layer(x).detach().cpu().numpy()


def test_relu_variants():
    np.testing.assert_allclose(_out(layers.ReLU()), np.maximum(X, 0))
    np.testing.assert_allclose(_out(layers.ReLU(max_value=1.0)), np.clip(X, 0, 1))
    leaky = np.where(X >= 1.0, X, 0.1 * (X - 1.0))
    np.testing.assert_allclose(_out(layers.ReLU(negative_slope=0.1, threshold=1.0)), leaky, rtol=1e-6)
    np.testing.assert_allclose(_out(layers.ReLU(max_value=6, negative_slope=0.5)),
                               np.minimum(np.where(X >= 0, X, 0.5 * X), 6), rtol=1e-6)
    run_layer_test(layers.ReLU, {"max_value": 6.0}, input_shape=(2, 3), expected_output_shape=(2, 3))
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1)


def test_leaky_relu_defaults_and_both_spellings():
    np.testing.assert_allclose(_out(layers.LeakyReLU()), np.where(X > 0, X, 0.3 * X), rtol=1e-6)
    assert layers.LeakyReLU(alpha=0.1).negative_slope == 0.1  # Keras 1/2 spelling
    assert layers.LeakyReLU(negative_slope=0.2).alpha == 0.2
    assert layers.LeakyReLU.from_config({"alpha": 0.05, "name": "l", "trainable": True}).negative_slope == 0.05
    run_layer_test(layers.LeakyReLU, {"negative_slope": 0.2}, input_shape=(2, 3), expected_output_shape=(2, 3))


def test_elu():
    np.testing.assert_allclose(_out(layers.ELU(alpha=0.5)), np.where(X > 0, X, 0.5 * (np.exp(X) - 1)), rtol=1e-6)
    run_layer_test(layers.ELU, {}, input_shape=(2, 3), expected_output_shape=(2, 3))


def test_prelu_shared_axes_and_learning():
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype("float32")
    layer = layers.PReLU(shared_axes=[1, 2])
    layer(x)
    alpha = np.random.default_rng(1).uniform(0, 1, (1, 1, 5)).astype("float32")
    layer.set_weights([alpha])
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), np.where(x > 0, x, alpha * x), rtol=1e-6)
    fresh = layers.PReLU()
    np.testing.assert_allclose(fresh(x[:, 0, 0]).detach().cpu().numpy(), np.maximum(x[:, 0, 0], 0))  # alpha starts at 0
    assert fresh.get_weights()[0].shape == (5,)
    run_layer_test(layers.PReLU, {"alpha_initializer": "ones", "shared_axes": 1}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 4), expected_num_trainable_weights=1)
    assert layers.PReLU(init="one").alpha_initializer is not None


def test_softmax_axis_and_mask():
    x = np.random.default_rng(2).standard_normal((2, 3, 4)).astype("float32")

    def np_softmax(v, axis):
        e = np.exp(v - v.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    np.testing.assert_allclose(_out(layers.Softmax(), x), np_softmax(x, -1), rtol=1e-5)
    np.testing.assert_allclose(_out(layers.Softmax(axis=1), x), np_softmax(x, 1), rtol=1e-5)
    both = _out(layers.Softmax(axis=[1, 2]), x)
    flat = np_softmax(x.reshape(2, -1), -1).reshape(x.shape)
    np.testing.assert_allclose(both, flat, rtol=1e-5)
    mask = np.ones((2, 3, 4), dtype=bool)
    mask[:, :, 2:] = False
    masked = layers.Softmax()(x, mask=torch.as_tensor(mask)).detach().cpu().numpy()
    np.testing.assert_allclose(masked[..., 2:], 0.0, atol=1e-7)
    np.testing.assert_allclose(masked[..., :2], np_softmax(x[..., :2], -1), rtol=1e-5)
    run_layer_test(layers.Softmax, {"axis": 1}, input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4))
