"""Keras 2's `K.conv*`, `K.pool*`, `K.local_conv*` and `K.bias_add` on top of `tkeras.ops`.

Custom Keras 2 layers call these in their `call` (a hand-written Conv2D is `K.conv2d(x, self.kernel)` plus
`K.bias_add`). They keep tf-keras' conventions: kernels in TensorFlow layout (spatial..., in, out; a
transposed kernel is (spatial..., out, in)), `data_format=None` meaning `K.image_data_format()`, tuples
for 2-D/3-D strides, and `K.conv2d_transpose`'s explicit `output_shape`. Torch does the arithmetic via
`tkeras.ops.conv_ops` (imported on first use: `import tkeras` does not load the ops package).
"""
import itertools

import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.backend.functions import _format, _t
from tkeras.backend.keras_tensor import record_in_graphs


def _padding(op, padding, allowed=("valid", "same")):
    if padding not in allowed:
        raise ValueError(f"K.{op}: argument 'padding' must be one of {allowed}, received {padding!r}")
    return padding


def _conv_ops():
    from tkeras.ops import conv_ops
    return conv_ops


def _float(x):
    x = _t(x)
    return x if x.is_floating_point() else x.to(config.standardize_dtype(None))


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """1-D convolution; padding 'causal' pads only the start, so step t sees no later steps."""
    data_format = _format("conv1d", data_format)
    _padding("conv1d", padding, ("valid", "same", "causal"))
    x, kernel = _float(x), _t(kernel)
    if padding == "causal":
        left = int(dilation_rate) * (kernel.shape[0] - 1)
        x = F.pad(x, (0, 0, left, 0)) if data_format == "channels_last" else F.pad(x, (left, 0))
        padding = "valid"
    return _conv_ops().conv(x, kernel, strides, padding, data_format, dilation_rate)


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    data_format = _format("conv2d", data_format)
    return _conv_ops().conv(_float(x), _t(kernel), strides, _padding("conv2d", padding), data_format, dilation_rate)


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None, dilation_rate=(1, 1, 1)):
    data_format = _format("conv3d", data_format)
    return _conv_ops().conv(_float(x), _t(kernel), strides, _padding("conv3d", padding), data_format, dilation_rate)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """The adjoint of `conv2d` producing exactly `output_shape` (batch and channels included, in
    `data_format` layout): the full transposed convolution, cut where TensorFlow's forward padding
    would have started, zero-extended where the forward convolution never reached."""
    data_format = _format("conv2d_transpose", data_format)
    _padding("conv2d_transpose", padding)
    x, kernel = _float(x), _t(kernel).to(_float(x).dtype)
    if x.dim() != 4 or kernel.dim() != 4:
        raise ValueError(f"K.conv2d_transpose: expected 4-D x and kernel (h, w, out_channels, in_channels), received "
                         f"shapes {tuple(x.shape)} and {tuple(kernel.shape)}")
    if data_format == "channels_last":
        x = x.permute(0, 3, 1, 2)
    output_shape = tuple(output_shape)
    if len(output_shape) != 4:
        raise ValueError(f"K.conv2d_transpose: 'output_shape' must be 4 numbers (batch and channels included), "
                         f"received {output_shape!r}")
    sizes = output_shape[1:3] if data_format == "channels_last" else output_shape[2:4]
    strides = _pair("conv2d_transpose", "strides", strides)
    dilation = _pair("conv2d_transpose", "dilation_rate", dilation_rate)
    full = F.conv_transpose2d(x, kernel.permute(3, 2, 0, 1), stride=strides, dilation=dilation)
    for axis, size in enumerate(int(s) for s in sizes):
        effective = (kernel.shape[axis] - 1) * dilation[axis] + 1
        steps = x.shape[2 + axis]
        start = 0
        if padding == "same":
            start = max((steps - 1) * strides[axis] + effective - size, 0) // 2
        full = full.narrow(2 + axis, start, min(size, full.shape[2 + axis] - start))
        missing = size - full.shape[2 + axis]
        if missing > 0:
            full = F.pad(full, [0, 0] * (1 - axis) + [0, missing])
    return full.permute(0, 2, 3, 1) if data_format == "channels_last" else full


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    data_format = _format("depthwise_conv2d", data_format)
    return _conv_ops().depthwise_conv(_float(x), _t(depthwise_kernel), strides, _padding("depthwise_conv2d", padding),
                                      data_format, dilation_rate)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    data_format = _format("separable_conv2d", data_format)
    return _conv_ops().separable_conv(_float(x), _t(depthwise_kernel), _t(pointwise_kernel), strides,
                                      _padding("separable_conv2d", padding), data_format, dilation_rate)


def _pair(op, name, value, rank=2):
    values = (int(value),) * rank if isinstance(value, int) else tuple(int(v) for v in value)
    if len(values) != rank:
        raise ValueError(f"K.{op}: argument {name!r} must be {rank} integers, received {value!r}")
    return values


def _pool(op, x, pool_size, strides, padding, data_format, pool_mode, rank):
    data_format = _format(op, data_format)
    if pool_mode not in ("max", "avg"):
        raise ValueError(f"K.{op}: argument 'pool_mode' must be 'max' or 'avg', received {pool_mode!r}")
    pool_size, strides = _pair(op, "pool_size", pool_size, rank), _pair(op, "strides", strides, rank)
    pool = _conv_ops().max_pool if pool_mode == "max" else _conv_ops().average_pool
    return pool(_float(x), pool_size, strides, _padding(op, padding), data_format)


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    return _pool("pool2d", x, pool_size, strides, padding, data_format, pool_mode, 2)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None, pool_mode="max"):
    return _pool("pool3d", x, pool_size, strides, padding, data_format, pool_mode, 3)


def _local_conv(op, inputs, kernel, kernel_size, strides, output_shape, data_format):
    """Unshared weights: every output position has its own (patch size, filters) slice of `kernel`
    (positions in row-major order, each patch flattened spatial-major then channels, as tf-keras)."""
    data_format = _format(op, data_format)
    x, kernel = _float(inputs), _t(kernel)
    if data_format == "channels_first":
        x = torch.movedim(x, 1, -1)
    positions = list(itertools.product(*[range(int(n)) for n in output_shape]))
    if kernel.dim() != 3 or kernel.shape[0] != len(positions):
        raise ValueError(f"K.{op}: 'kernel' must be (output positions = {len(positions)}, patch size, filters), "
                         f"received shape {tuple(kernel.shape)}")
    patches = []
    for position in positions:
        window = tuple(slice(p * s, p * s + k) for p, s, k in zip(position, strides, kernel_size))
        patches.append(x[(slice(None),) + window].reshape(x.shape[0], -1))
    patches = torch.stack(patches)  # (positions, batch, patch)
    out = torch.bmm(patches, kernel.to(x.dtype))  # (positions, batch, filters)
    out = out.permute(1, 0, 2).reshape(x.shape[0], *[int(n) for n in output_shape], kernel.shape[-1])
    return torch.movedim(out, -1, 1) if data_format == "channels_first" else out


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    return _local_conv("local_conv1d", inputs, kernel, tuple(kernel_size), tuple(strides), (_t(kernel).shape[0],),
                       data_format)


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    return _local_conv("local_conv2d", inputs, kernel, tuple(kernel_size), tuple(strides), tuple(output_shape),
                       data_format)


def bias_add(x, bias, data_format=None):
    """Adds a per-channel bias (1-D) or a per-position bias (rank of x minus one) along the channel axis."""
    data_format = _format("bias_add", data_format)
    x, bias = _t(x), _t(bias)
    if bias.dim() not in (1, x.dim() - 1):
        raise ValueError(f"K.bias_add: 'bias' must be 1-D or of rank {x.dim() - 1} (the rank of x minus the batch "
                         f"axis), received shape {tuple(bias.shape)}")
    bias = bias.to(x.dtype)
    if data_format == "channels_last" or x.dim() == 2:
        return x + bias
    if bias.dim() == 1:
        return x + bias.reshape((1, -1) + (1,) * (x.dim() - 2))
    # tf-keras reshapes (not transposes) a per-position bias to (1, channels, spatial...): kept as it is.
    return x + bias.reshape((1, bias.shape[-1]) + tuple(bias.shape[:-1]))


# The tensor functions: on KerasTensors (functional code) they become op nodes of the graph, as tf-keras
# recorded them (TFOpLambda).
record_in_graphs(globals(), [
    "conv1d", "conv2d", "conv3d", "conv2d_transpose", "depthwise_conv2d", "separable_conv2d", "pool2d", "pool3d",
    "local_conv1d", "local_conv2d", "bias_add"
])
