"""Theano <-> TensorFlow convolution kernels (Keras 1/2's `convert_kernel`, `convert_all_kernels_in_model`).

Theano's convolution is a true convolution (the kernel flipped in space), TensorFlow's a
cross-correlation, so weights trained under one backend computed something else under the other
until their kernels were flipped along every spatial axis. Keras 1 and 2 scripts that load such
weights (early VGG/ResNet files) call these; the flip is its own inverse, so the same call converts
either way. Kernels here are in TensorFlow's layout (spatial axes first, then input and output
channels); Keras 1's `convert_kernel(kernel, dim_ordering='th')` takes Theano's layout (output and
input channels first), whose spatial axes are the last ones.
"""
import numpy as np


def convert_kernel(kernel, dim_ordering=None):
    """A copy of `kernel` flipped along its spatial axes (`dim_ordering='th'`: Keras 1's Theano layout)."""
    kernel = np.asarray(kernel)
    if kernel.ndim < 3:
        raise ValueError(f"convert_kernel: expected a convolution kernel of rank 3 or more (spatial axes, input "
                         f"and output channels), received shape {kernel.shape}")
    if dim_ordering not in (None, "tf", "th", "channels_last", "channels_first"):
        raise ValueError(f"convert_kernel: dim_ordering must be 'tf' or 'th', received {dim_ordering!r}")
    spatial = range(2, kernel.ndim) if dim_ordering in ("th", "channels_first") else range(kernel.ndim - 2)
    return np.ascontiguousarray(np.flip(kernel, axis=tuple(spatial)))


def convert_all_kernels_in_model(model):
    """Flip, in place, the kernel of each Conv1D/2D/3D and Conv2DTranspose layer in `model.layers` (Keras 2's
    set: not the depthwise or separable kernels, not layers inside nested models)."""
    from tkeras.layers import Conv1D, Conv2D, Conv2DTranspose, Conv3D
    for layer in model.layers:
        if isinstance(layer, (Conv1D, Conv2D, Conv3D, Conv2DTranspose)) and getattr(layer, "kernel", None) is not None:
            layer.kernel.assign(convert_kernel(layer.kernel.numpy()))
