"""Keras 3's convolution and pooling ops (`conv`, `conv_transpose`, `depthwise_conv`, `separable_conv`,
`max_pool`, `average_pool`, adaptive pools, `depth_to_space`, `fold`/`unfold`).

Keras' conventions are kept at the boundary: kernels in Keras layout (spatial..., in, out), the
`data_format` of `keras.config.image_data_format()` by default, and TensorFlow's 'same' padding, which
puts the odd extra pixel at the end (torch pads symmetrically, so 'same' is an explicit `F.pad` first).
Inside, everything is one torch convolution or pooling kernel in channels-first layout.
"""
import math

import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.ops.core import tensor, user_op
from tkeras.ops.math_ops import _float_input

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _data_format(op, data_format):
    return config.standardize_data_format(data_format, op)


def _channels_first(op, inputs, data_format):
    """inputs -> (N, C, *spatial) plus the number of spatial dims."""
    x = _float_input(inputs)
    if x.dim() not in (3, 4, 5):
        raise ValueError(f"{op}: 'inputs' must be 3-D, 4-D or 5-D (batch, spatial..., channels), received shape "
                         f"{tuple(x.shape)}")
    if _data_format(op, data_format) == "channels_last":
        x = torch.movedim(x, -1, 1)
    return x, x.dim() - 2


def _integer_result(*values):
    """The integer dtype Keras returns when every operand is an integer tensor (int32 convolutions and
    max pools stay int32), else None. The work itself runs in floatx."""
    dtypes = [v.dtype if isinstance(v, torch.Tensor) else tensor(v).dtype for v in values]
    if any(d.is_floating_point or d.is_complex or d == torch.bool for d in dtypes):
        return None
    result = dtypes[0]
    for d in dtypes[1:]:
        result = torch.promote_types(result, d)
    return result


def _as_integer(out, dtype):
    return out if dtype is None else torch.round(out).to(dtype)


def _back(x, data_format):
    return torch.movedim(x, 1, -1) if (data_format or config.image_data_format()) == "channels_last" else x


def _tuple(op, name, value, rank):
    values = (int(value),) * rank if isinstance(value, int) else tuple(int(v) for v in value)
    if len(values) != rank or any(v < 1 for v in values):
        raise ValueError(f"{op}: argument {name!r} must be a positive int or {rank} positive ints, received {value!r}")
    return values


def _same_padding(sizes, kernel, strides, dilation):
    """TensorFlow's 'same' padding per spatial dim, as F.pad's (last dim first) flat list."""
    flat = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        effective = (k - 1) * d + 1
        total = max((math.ceil(n / s) - 1) * s + effective - n, 0)
        flat = [total // 2, total - total // 2] + flat
    return flat


def _check_padding(op, padding):
    padding = str(padding).lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"{op}: argument 'padding' must be 'valid' or 'same', received {padding!r}")
    return padding


def _convolve(op, x, weight, rank, strides, padding, dilation, groups):
    padding = _check_padding(op, padding)
    strides, dilation = _tuple(op, "strides", strides, rank), _tuple(op, "dilation_rate", dilation, rank)
    if padding == "same":
        x = F.pad(x, _same_padding(x.shape[2:], weight.shape[2:], strides, dilation))
    return CONV[rank](x, weight, stride=strides, dilation=dilation, groups=groups)


def _kernel(op, kernel, rank, x):
    kernel = tensor(kernel).to(x.dtype)
    if kernel.dim() != rank + 2:
        raise ValueError(f"{op}: 'kernel' must have rank {rank + 2} (spatial..., in_channels, out_channels) for "
                         f"inputs of rank {rank + 2}, received shape {tuple(kernel.shape)}")
    return kernel


@user_op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel_in = kernel
    x, rank = _channels_first("conv", inputs, data_format)
    kernel = _kernel("conv", kernel, rank, x)
    channels, per_group = x.shape[1], kernel.shape[-2]
    if channels % per_group:
        raise ValueError(f"conv: the inputs have {channels} channels, which is not a multiple of the kernel's "
                         f"input channels ({per_group}); kernel shape {tuple(kernel.shape)}")
    weight = kernel.permute(rank + 1, rank, *range(rank))  # (out, in/groups, *spatial)
    out = _convolve("conv", x, weight, rank, strides, padding, dilation_rate, channels // per_group)
    return _as_integer(_back(out, data_format), _integer_result(inputs, kernel_in))


@user_op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    kernel_in = kernel
    x, rank = _channels_first("depthwise_conv", inputs, data_format)
    kernel = _kernel("depthwise_conv", kernel, rank, x)
    if kernel.shape[-2] != x.shape[1]:
        raise ValueError(f"depthwise_conv: 'kernel' expects {kernel.shape[-2]} input channels, the inputs have "
                         f"{x.shape[1]}")
    # (spatial..., C, multiplier) -> (C * multiplier, 1, *spatial), channel-major as Keras orders outputs.
    weight = kernel.reshape(*kernel.shape[:rank], -1).permute(rank, *range(rank)).unsqueeze(1)
    out = _convolve("depthwise_conv", x, weight, rank, strides, padding, dilation_rate, x.shape[1])
    return _as_integer(_back(out, data_format), _integer_result(inputs, kernel_in))


@user_op
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    depthwise = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def _transposed_length(n, kernel, stride, dilation, padding, output_padding):
    """Keras' output length of a transposed convolution along one axis."""
    effective = (kernel - 1) * dilation + 1
    if output_padding is None:
        return n * stride + max(effective - stride, 0) if padding == "valid" else n * stride
    pad = effective // 2 if padding == "same" else 0
    return (n - 1) * stride + effective - 2 * pad + output_padding


@user_op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    kernel_in = kernel
    x, rank = _channels_first("conv_transpose", inputs, data_format)
    kernel = _kernel("conv_transpose", kernel, rank, x)
    padding = _check_padding("conv_transpose", padding)
    if kernel.shape[-1] != x.shape[1]:
        raise ValueError(f"conv_transpose: 'kernel' (spatial..., out_channels, in_channels) expects "
                         f"{kernel.shape[-1]} input channels, the inputs have {x.shape[1]}")
    strides = _tuple("conv_transpose", "strides", strides, rank)
    dilation = _tuple("conv_transpose", "dilation_rate", dilation_rate, rank)
    extra = (None,) * rank if output_padding is None else (
        (int(output_padding),) * rank if isinstance(output_padding, int) else tuple(output_padding))
    weight = kernel.permute(rank + 1, rank, *range(rank))  # (in, out, *spatial)
    full = CONV_TRANSPOSE[rank](x, weight, stride=strides, dilation=dilation)
    # Crop (or zero-extend) the full result to Keras' length; 'same' starts where TF's forward pad would.
    for axis in range(rank):
        n, k = x.shape[2 + axis], kernel.shape[axis]
        length = _transposed_length(n, k, strides[axis], dilation[axis], padding, extra[axis])
        have = full.shape[2 + axis]
        start = (have - length) // 2 if padding == "same" and have > length else 0
        full = full.narrow(2 + axis, start, min(length, have - start))
        if full.shape[2 + axis] < length:
            widths = [0, 0] * (rank - 1 - axis) + [0, length - full.shape[2 + axis]]
            full = F.pad(full, widths)
    return _as_integer(_back(full, data_format), _integer_result(inputs, kernel_in))


def _pool(op, inputs, pool_size, strides, padding, data_format, maximum):
    x, rank = _channels_first(op, inputs, data_format)
    padding = _check_padding(op, padding)
    size = _tuple(op, "pool_size", pool_size, rank)
    strides = size if strides is None else _tuple(op, "strides", strides, rank)
    if padding == "same":
        widths = _same_padding(x.shape[2:], size, strides, (1,) * rank)
        if maximum:
            x = F.pad(x, widths, value=float("-inf"))
        else:  # TensorFlow averages over the real pixels only
            ones = F.pad(torch.ones_like(x[:1, :1]), widths)
            x = F.pad(x, widths)
            return _back(AVG_POOL[rank](x, size, strides) / AVG_POOL[rank](ones, size, strides), data_format)
    pooled = MAX_POOL[rank](x, size, strides) if maximum else AVG_POOL[rank](x, size, strides)
    return _back(pooled, data_format)


@user_op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _as_integer(_pool("max_pool", inputs, pool_size, strides, padding, data_format, maximum=True),
                       _integer_result(inputs))


@user_op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool("average_pool", inputs, pool_size, strides, padding, data_format, maximum=False)


def _adaptive(op, inputs, output_size, data_format, torch_fns):
    x, rank = _channels_first(op, inputs, data_format)
    size = _tuple(op, "output_size", output_size, rank)
    return _back(torch_fns[rank](x, size), data_format)


@user_op
def adaptive_average_pool(inputs, output_size, data_format=None):
    return _adaptive("adaptive_average_pool", inputs, output_size, data_format,
                     {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d})


@user_op
def adaptive_max_pool(inputs, output_size, data_format=None):
    pooled = _adaptive("adaptive_max_pool", inputs, output_size, data_format,
                       {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d})
    return _as_integer(pooled, _integer_result(inputs))


def _check_block(op, x, block_size):
    if x.dim() != 4:
        raise ValueError(f"{op}: 'x' must be 4-D, received shape {tuple(x.shape)}")
    if int(block_size) < 2:
        raise ValueError(f"{op}: 'block_size' must be at least 2, received {block_size!r}")
    return int(block_size)


@user_op
def depth_to_space(x, block_size, data_format="channels_last"):
    """Channel blocks to pixels. channels_last takes TensorFlow's channel order (row in block, column
    in block, channel); channels_first takes torch's pixel_shuffle order (channel, row, column), as
    Keras does for each layout."""
    x = tensor(x)
    b = _check_block("depth_to_space", x, block_size)
    channels_first = _data_format("depth_to_space", data_format) == "channels_first"
    c = x.shape[1] if channels_first else x.shape[3]
    if c % (b * b):
        raise ValueError(f"depth_to_space: {c} channels are not divisible by block_size**2 = {b * b}")
    if channels_first:
        return F.pixel_shuffle(x, b)
    n, h, w, _ = x.shape
    return x.reshape(n, h, w, b, b, c // (b * b)).permute(0, 1, 3, 2, 4, 5).reshape(n, h * b, w * b, c // (b * b))


@user_op
def space_to_depth(x, block_size, data_format="channels_last"):
    """The inverse of `depth_to_space`, in the same channel orders."""
    x = tensor(x)
    b = _check_block("space_to_depth", x, block_size)
    channels_first = _data_format("space_to_depth", data_format) == "channels_first"
    n, h, w = (x.shape[0], x.shape[2], x.shape[3]) if channels_first else x.shape[:3]
    if h % b or w % b:
        raise ValueError(f"space_to_depth: height {h} and width {w} must be divisible by block_size {b}")
    if channels_first:
        return F.pixel_unshuffle(x, b)
    c = x.shape[3]
    return x.reshape(n, h // b, b, w // b, b, c).permute(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, c * b * b)


@user_op
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding patches of an (N, C, H, W) tensor -> (N, C * kh * kw, patches), as torch's unfold; integer
    inputs keep their dtype."""
    integer = _integer_result(x)
    x = _float_input(x)
    if x.dim() != 4:
        raise ValueError(f"unfold: 'x' must be 4-D (N, C, H, W), received shape {tuple(x.shape)}")
    return _as_integer(F.unfold(x, kernel_size, dilation=dilation, padding=padding, stride=stride), integer)


@user_op
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The inverse arrangement of `unfold` (overlaps summed)."""
    x = _float_input(x)
    if x.dim() != 3:
        raise ValueError(f"fold: 'x' must be 3-D (N, C * kh * kw, patches), received shape {tuple(x.shape)}")
    return F.fold(x, output_size, kernel_size, dilation=dilation, padding=padding, stride=stride)
