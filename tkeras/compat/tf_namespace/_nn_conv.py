"""`tf.nn` convolutions and pooling with TensorFlow's conventions: NHWC unless data_format says NCHW,
strides/dilations given as an int, per spatial dim, or per dim including batch and channels, 'SAME' padding
with the odd pixel at the end, explicit padding lists, and filters laid out [*spatial, in, out]."""
import math

import torch
import torch.nn.functional as F

from tkeras.ops.core import tensor, user_op

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}


def _channels_last(data_format):
    return data_format is None or not str(data_format).upper().startswith("NC")


def _spatial(name, value, rank, channels_last, default=1):
    """An int, a per-spatial list, or TensorFlow's full per-dim list -> one value per spatial dim."""
    if value is None:
        return (default,) * rank
    if isinstance(value, int) or (isinstance(value, torch.Tensor) and value.dim() == 0):
        return (int(value),) * rank
    value = [int(v) for v in value]
    if len(value) == 1:
        return (value[0],) * rank
    if len(value) == rank:
        return tuple(value)
    if len(value) == rank + 2:
        return tuple(value[1:-1]) if channels_last else tuple(value[2:])
    raise ValueError(f"{name} should be of length 1, {rank} or {rank + 2}. Received: {name}={value} of length "
                     f"{len(value)}")


def _to_nc(x, channels_last):
    return x.movedim(-1, 1) if channels_last else x


def _from_nc(x, channels_last):
    return x.movedim(1, -1) if channels_last else x


def _pad_widths(op, padding, sizes, window, strides, dilations, channels_last):
    """F.pad's flat widths (last dim first) for 'SAME', 'VALID' or TensorFlow's explicit [[before, after], ...]."""
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            return [0] * (2 * len(sizes))
        if mode != "SAME":
            from tkeras.compat.tf_namespace import errors
            raise errors.InvalidArgumentError(None, None, f"Value for attr 'padding' of \"{padding}\" is not in the "
                                                          f"list of allowed values: \"SAME\", \"VALID\", \"EXPLICIT\"")
        flat = []
        for n, k, s, d in zip(sizes, window, strides, dilations):
            total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
            flat = [total // 2, total - total // 2] + flat
        return flat
    pairs = [tuple(int(v) for v in p) for p in padding]
    if len(pairs) == len(sizes) + 2:
        pairs = pairs[1:-1] if channels_last else pairs[2:]
    if len(pairs) != len(sizes):
        raise ValueError(f"{op}: explicit padding needs {len(sizes) + 2} [before, after] pairs, received {padding}")
    flat = []
    for before, after in pairs:
        flat = [before, after] + flat
    return flat


def convolution(input, filters, strides=None, padding="VALID", data_format=None, dilations=None, name=None,  # noqa: A002
                groups_from_channels=True):
    x, w = tensor(input), tensor(filters)
    rank = w.dim() - 2
    last = _channels_last(data_format)
    strides = _spatial("strides", strides, rank, last)
    dilations = _spatial("dilations", dilations, rank, last)
    x = _to_nc(x, last)
    if x.dim() != rank + 2:
        raise ValueError(f"input must have rank {rank + 2} for a {rank}-D convolution, received shape "
                         f"{tuple(tensor(input).shape)}")
    groups = x.shape[1] // w.shape[-2] if groups_from_channels else 1
    if x.shape[1] != w.shape[-2] * groups:
        raise ValueError(f"input depth {x.shape[1]} must be evenly divisible by filter depth {w.shape[-2]}")
    widths = _pad_widths("convolution", padding, x.shape[2:], w.shape[:rank], strides, dilations, last)
    weight = w.permute(rank + 1, rank, *range(rank)).to(x.dtype)
    out = _CONV[rank](F.pad(x, widths), weight, stride=strides, dilation=dilations, groups=groups)
    return _from_nc(out, last)


@user_op
def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):  # noqa: A002
    return convolution(input, filters, stride, padding, data_format, dilations)


@user_op
def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002
    return convolution(input, filters, strides, padding, data_format, dilations)


@user_op
def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):  # noqa: A002
    return convolution(input, filters, strides, padding, data_format, dilations)


@user_op
def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None, name=None):  # noqa: A002
    """filter [h, w, in, multiplier]: each input channel gets its own `multiplier` filters."""
    w = tensor(filter)
    h, k, cin, mult = w.shape
    grouped = w.reshape(h, k, 1, cin * mult)
    return convolution(input, grouped, strides, padding, data_format, dilations)


@user_op
def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None):
    depth = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return convolution(depth, pointwise_filter, 1, "VALID", data_format)


def _transpose(input, filters, output_shape, strides, padding, data_format, dilations, rank):  # noqa: A002
    """The gradient of the forward convolution: full transposed output, then cropped (or zero-extended) to
    output_shape the way the forward op's padding would have mapped it."""
    x, w = tensor(input), tensor(filters)
    last = _channels_last(data_format)
    strides = _spatial("strides", strides, rank, last)
    dilations = _spatial("dilations", dilations, rank, last)
    shape = [int(v) for v in (output_shape.tolist() if isinstance(output_shape, torch.Tensor) else output_shape)]
    sizes = shape[1:-1] if last else shape[2:]
    out_channels = shape[-1] if last else shape[1]
    if w.shape[-2] != out_channels:
        raise ValueError(f"output_shape's channel dimension ({out_channels}) must equal the filters' third "
                         f"dimension ({w.shape[-2]})")
    x = _to_nc(x, last)
    weight = w.permute(rank + 1, rank, *range(rank)).to(x.dtype)  # [in, out, *spatial]
    full = _CONV_T[rank](x, weight, stride=strides, dilation=dilations)
    widths = _pad_widths("conv_transpose", padding, sizes, w.shape[:rank], strides, dilations, last)
    for axis, size in enumerate(sizes):
        before = widths[2 * (rank - 1 - axis)]
        piece = full.narrow(axis + 2, before, min(size, full.shape[axis + 2] - before))
        if piece.shape[axis + 2] < size:
            grow = [0, 0] * (rank - 1 - axis) + [0, size - piece.shape[axis + 2]]
            piece = F.pad(piece, grow)
        full = piece
    return _from_nc(full, last)


@user_op
def conv1d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NWC", dilations=None,  # noqa: A002
                     name=None):
    return _transpose(input, filters, output_shape, strides, padding, data_format, dilations, 1)


@user_op
def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC", dilations=None,  # noqa: A002
                     name=None):
    return _transpose(input, filters, output_shape, strides, padding, data_format, dilations, 2)


@user_op
def conv3d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NDHWC", dilations=None,  # noqa: A002
                     name=None):
    return _transpose(input, filters, output_shape, strides, padding, data_format, dilations, 3)


@user_op
def conv_transpose(input, filters, output_shape, strides, padding="SAME", data_format=None, dilations=None,  # noqa: A002
                   name=None):
    return _transpose(input, filters, output_shape, strides, padding, data_format, dilations, tensor(filters).dim() - 2)


def _pool(op, input, ksize, strides, padding, data_format, maximum, rank=None):  # noqa: A002
    x = tensor(input)
    rank = x.dim() - 2 if rank is None else rank
    last = _channels_last(data_format)
    size = _spatial("ksize", ksize, rank, last)
    strides = _spatial("strides", strides, rank, last)
    x = _to_nc(x, last)
    widths = _pad_widths(op, padding, x.shape[2:], size, strides, (1,) * rank, last)
    if maximum:
        padded = F.pad(x, widths, value=float("-inf")) if x.is_floating_point() else F.pad(
            x.double(), widths, value=float("-inf"))
        out = _MAX[rank](padded, size, strides).to(x.dtype)
    else:  # TensorFlow averages over the real (unpadded) pixels only
        ones = F.pad(torch.ones_like(x[:1, :1]), widths)
        out = _AVG[rank](F.pad(x, widths), size, strides) / _AVG[rank](ones, size, strides)
    return _from_nc(out, last)


def _depth_window(ksize, rank, channels_last):
    """The channel entry of TensorFlow's full per-dim ksize ([1, 1, 1, k] in NHWC), or 1 when pooling is spatial."""
    if isinstance(ksize, (int, torch.Tensor)) or ksize is None or len(ksize) != rank + 2:
        return 1
    return int(ksize[-1] if channels_last else ksize[1])


def _depth_max_pool(x, ksize, strides, depth, channels_last):
    """Max over groups of `depth` neighbouring channels (Hands-On ML's depthwise pooling): TensorFlow allows it
    only alone, with non-overlapping windows that tile the channels, and with any padding (none is needed)."""
    from tkeras.compat.tf_namespace import errors
    rank = x.dim() - 2
    depth_stride = _depth_window(strides, rank, channels_last)
    channels = x.shape[-1] if channels_last else x.shape[1]
    if any(k != 1 for k in _spatial("ksize", ksize, rank, channels_last)):
        problem = "MaxPooling supports exactly one of pooling across depth or pooling across width/height"
    elif depth_stride != depth:
        problem = "Depthwise max pooling requires the depth window to equal the depth stride"
    elif channels % depth:
        problem = "Depthwise max pooling requires the depth window to evenly divide the input depth"
    else:
        problem = None
    if problem is not None:
        raise errors.op_error(errors.UnimplementedError, f"{problem}; received ksize={list(ksize)}, "
                              f"strides={list(strides)} for {channels} channels", "MaxPool")
    x = _to_nc(x, channels_last)
    pooled = x.reshape(x.shape[0], channels // depth, depth, *x.shape[2:]).amax(dim=2)
    return _from_nc(pooled, channels_last)


@user_op
def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    last = _channels_last(data_format)
    x = tensor(input)
    depth = _depth_window(ksize, x.dim() - 2, last)
    if depth != 1:
        return _depth_max_pool(x, ksize, strides, depth, last)
    return _pool("max_pool", input, ksize, strides, padding, data_format, True)


@user_op
def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    return _pool("avg_pool", input, ksize, strides, padding, data_format, False)


@user_op
def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    return _pool("max_pool1d", input, ksize, strides, padding, data_format, True, 1)


@user_op
def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    return _pool("max_pool2d", input, ksize, strides, padding, data_format, True, 2)


@user_op
def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    return _pool("max_pool3d", input, ksize, strides, padding, data_format, True, 3)


@user_op
def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    return _pool("avg_pool1d", input, ksize, strides, padding, data_format, False, 1)


@user_op
def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    return _pool("avg_pool2d", input, ksize, strides, padding, data_format, False, 2)


@user_op
def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    return _pool("avg_pool3d", input, ksize, strides, padding, data_format, False, 3)


@user_op
def pool(input, window_shape, pooling_type, strides=None, padding="VALID", data_format=None, dilations=None,  # noqa: A002
         name=None):
    maximum = str(pooling_type).upper() == "MAX"
    return _pool("pool", input, window_shape, strides, padding, data_format, maximum, len(window_shape))
