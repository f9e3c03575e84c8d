"""A Conv subclass that overrides `convolution_op` (keras-io's subclassing_conv_layers recipe:
StandardizedConv2D) has it used by `call`, then the bias and activation, as in Keras."""
import numpy as np

import tkeras as keras
from tkeras import layers, ops


class _DoubledKernelConv2D(layers.Conv2D):
    def convolution_op(self, inputs, kernel):
        return ops.conv(inputs, kernel * 2.0, strides=self.strides, padding=self.padding,
                        data_format=self.data_format)


def _reference_conv2d_nhwc(x, kernel, bias):
    """Valid, stride-1 cross-correlation in NumPy: x (n, h, w, c), kernel (kh, kw, c, f)."""
    kh, kw = kernel.shape[:2]
    out = np.zeros((x.shape[0], x.shape[1] - kh + 1, x.shape[2] - kw + 1, kernel.shape[-1]))
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            out[:, i, j, :] = np.tensordot(x[:, i:i + kh, j:j + kw, :], kernel, axes=([1, 2, 3], [0, 1, 2]))
    return out + bias


def test_overridden_convolution_op_is_used_with_bias_and_activation():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 6, 3)).astype("float32")
    layer = _DoubledKernelConv2D(4, 3, activation="relu", bias_initializer="random_normal")
    out = np.asarray(layer(x))
    kernel, bias = (np.asarray(w) for w in layer.get_weights())
    expected = np.maximum(_reference_conv2d_nhwc(x, 2.0 * kernel, bias), 0.0)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_channels_first_bias_goes_on_the_channel_axis():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 5, 5)).astype("float32")
    layer = _DoubledKernelConv2D(2, 3, data_format="channels_first", bias_initializer="random_normal")
    out = np.asarray(layer(x))
    kernel, bias = (np.asarray(w) for w in layer.get_weights())
    expected = _reference_conv2d_nhwc(x.transpose(0, 2, 3, 1), 2.0 * kernel, bias).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_the_override_runs_inside_a_functional_model():
    inputs = keras.Input((5, 5, 1))
    model = keras.Model(inputs, _DoubledKernelConv2D(1, 2, use_bias=False, kernel_initializer="ones")(inputs))
    got = np.asarray(model.predict(np.ones((1, 5, 5, 1), "float32"), verbose=0))
    np.testing.assert_allclose(got, np.full((1, 4, 4, 1), 8.0))


def test_builtin_convolutions_keep_their_own_call():
    from tkeras.layers.convolutional.base_conv import BaseConv
    assert layers.Conv2D.call is BaseConv.call
    assert _DoubledKernelConv2D.call is not BaseConv.call
