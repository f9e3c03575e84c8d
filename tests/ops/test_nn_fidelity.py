"""keras.activations and the refusals Keras 3.15.1 makes that the golden cases (keras_cases_nn_fidelity.py)
cannot express: expectations computed with NumPy from Keras' definitions."""
import numpy as np
import pytest
import torch

from tkeras import activations, ops

INTS = np.arange(-3, 6).astype("int32")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("kwargs", [{}, dict(negative_slope=0.5), dict(max_value=2.5), dict(threshold=1.0),
                                    dict(max_value=4, threshold=1), dict(negative_slope=0.5, threshold=1.0,
                                                                         max_value=1.5)])
def test_relu_takes_numpy_and_keeps_only_values_above_the_threshold(kwargs):
    x = np.linspace(-3, 5, 17).astype("float32")
    slope, cap, threshold = kwargs.get("negative_slope", 0.0), kwargs.get("max_value"), kwargs.get("threshold", 0.0)
    expected = np.where(x > threshold, x, slope * (x - threshold))
    if cap is not None:
        expected = np.minimum(expected, cap)
    got = _np(activations.relu(x, **kwargs))
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert not np.signbit(got[got == 0]).any()  # +0.0, never -0.0


def test_relu_and_piecewise_activations_keep_integers():
    out = activations.relu(torch.tensor(INTS), max_value=4, threshold=1)
    assert out.dtype == torch.int32
    np.testing.assert_array_equal(_np(out), [0, 0, 0, 0, 0, 2, 3, 4, 4])
    assert activations.relu(INTS, max_value=2).dtype == torch.int32
    assert activations.relu(INTS, negative_slope=0.1).dtype == torch.float32  # fractions need a float
    assert activations.hard_tanh(INTS).dtype == torch.int32
    np.testing.assert_array_equal(_np(activations.hard_tanh(INTS)), np.clip(INTS, -1, 1))
    assert activations.threshold(INTS, 1, 0).dtype == torch.int32
    assert ops.relu(INTS).dtype == torch.int32


def test_softmax_activation_over_a_tuple_of_axes():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    expected = np.exp(x) / np.exp(x).sum(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(_np(activations.softmax(x, axis=(1, 2))), expected, rtol=1e-5)
    np.testing.assert_allclose(_np(activations.log_softmax(x, axis=(1, 2))), np.log(expected), rtol=1e-5, atol=1e-6)


def test_layer_normalization_rms_scaling_does_not_centre():
    x = np.random.default_rng(1).normal(size=(3, 8)).astype("float32") + 2.0
    gamma = np.linspace(0.5, 1.5, 8).astype("float32")
    with pytest.warns(UserWarning, match="rms_scaling"):
        got = _np(ops.layer_normalization(x, gamma, epsilon=1e-3, rms_scaling=True))
    expected = x / np.sqrt(x.var(axis=-1, keepdims=True) + 1e-3) * gamma
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_refusals_match_keras():
    with pytest.raises(ValueError, match="invalid order 'fro' for vector norm"):
        ops.norm(np.ones(4, "float32"), ord="fro")
    with pytest.raises(ValueError, match="improper number of axes"):
        ops.norm(np.ones((2, 3, 4), "float32"), ord=2)
    with pytest.raises(ValueError, match="only 4-D inputs"):
        q = np.ones((2, 4, 8), "float32")
        ops.dot_product_attention(q, q, q)


def test_resize_supports_lanczos_and_keeps_integer_images():
    u8 = np.random.default_rng(2).integers(0, 256, (1, 4, 4, 1)).astype("uint8")
    for interpolation in ("bilinear", "bicubic", "lanczos3", "lanczos5", "nearest"):
        out = ops.image.resize(u8, (7, 6), interpolation=interpolation)
        assert out.dtype == torch.uint8, interpolation
    # Same-size resize is the identity, whatever the kernel.
    np.testing.assert_array_equal(_np(ops.image.resize(u8, (4, 4), interpolation="lanczos3")), u8)


def test_control_flow_returns_tensors():
    assert isinstance(ops.while_loop(lambda i: i < 10, lambda i: i + 3, 0), torch.Tensor)
    assert isinstance(ops.fori_loop(0, 4, lambda i, v: v + i, 0), torch.Tensor)
    assert isinstance(ops.cond(True, lambda: 1, lambda: 2), torch.Tensor)
    carry, ys = ops.scan(lambda c, x: (c + 1, c * 2), 0, length=3)
    assert isinstance(carry, torch.Tensor) and carry.dtype == torch.int32
