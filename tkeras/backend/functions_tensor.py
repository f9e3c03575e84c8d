"""Keras 2's `K.*` tensor helpers: ranges, cumulative ops, gathering, reversing, repeating, resizing and
padding of sequences/images/volumes, and the small utilities (`cast_to_floatx`, `stop_gradient`,
`print_tensor`, sparse checks) that custom layers and losses of the tf.keras era call.

Argument names, defaults and dtypes are tf-keras 2's (`K.arange` is int32, `K.cumsum` runs along
axis 0, `K.resize_images` takes `data_format` positionally).
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.backend.functions import _format, _t
from tkeras.backend.keras_tensor import record_in_graphs


def arange(start, stop=None, step=1, dtype="int32"):
    """`range` as a tensor; a negative `start` without `stop` is empty, as NumPy's."""
    if stop is None and start < 0:
        start = 0
    values = torch.arange(start, stop, step) if stop is not None else torch.arange(start)
    return values.to(config.standardize_dtype(dtype))


def eye(size, dtype=None, name=None):
    """An identity matrix held in a Variable (tf-keras returns a variable here)."""
    from tkeras.backend.variable import Variable
    rows, cols = (size, size) if isinstance(size, int) else tuple(size)
    return Variable(torch.eye(rows, cols, dtype=config.standardize_dtype(dtype)), dtype=dtype, name=name)


def cast_to_floatx(x):
    """NumPy stays NumPy (as tf-keras), tensors are cast; both to `K.floatx()`."""
    if isinstance(x, torch.Tensor):
        return x.to(config.standardize_dtype(None))
    return np.asarray(x, dtype=config.floatx())


def cos(x):
    return torch.cos(_float(x))


def sin(x):
    return torch.sin(_float(x))


def _float(x):
    x = _t(x)
    return x if x.is_floating_point() else x.to(config.standardize_dtype(None))


def cumsum(x, axis=0):
    return torch.cumsum(_t(x), dim=axis)


def cumprod(x, axis=0):
    return torch.cumprod(_t(x), dim=axis)


def gather(reference, indices):
    """Rows of `reference` (along axis 0) picked by `indices` of any shape."""
    reference, indices = _t(reference), _t(indices).long()
    return reference[indices]


def reverse(x, axes):
    axes = [axes] if isinstance(axes, int) else list(axes)
    return torch.flip(_t(x), dims=axes)


def repeat(x, n):
    """(batch, dim) -> (batch, n, dim), the vector repeated n times (RepeatVector's op)."""
    x = _t(x)
    if x.dim() != 2:
        raise ValueError(f"K.repeat: 'x' must be 2-D (batch, features), received shape {tuple(x.shape)}")
    return x.unsqueeze(1).expand(-1, int(n), -1).contiguous()


def in_top_k(predictions, targets, k):
    """Whether each target class is among the k best scores of its row (a tie at the boundary counts in)."""
    from tkeras.ops import tensor_updates
    return tensor_updates.in_top_k(targets, predictions, k)


def stop_gradient(variables):
    """The values with no gradient flowing back; a list gives a list."""
    if isinstance(variables, (list, tuple)):
        return [_t(v).detach() for v in variables]
    return _t(variables).detach()


def is_sparse(tensor):
    """True for a torch sparse tensor or a sparse `K.placeholder`."""
    if isinstance(tensor, torch.Tensor):
        return tensor.layout != torch.strided
    return bool(getattr(tensor, "sparse", False))


def to_dense(tensor):
    return tensor.to_dense() if is_sparse(tensor) and isinstance(tensor, torch.Tensor) else tensor


def print_tensor(x, message="", summarize=3):
    """Prints `message` and the values (as tf.print: at most `summarize` leading and trailing entries per
    axis) to stdout, and returns `x` unchanged."""
    values = np.asarray(_t(x).detach().cpu().numpy())
    print(f"{message} {_tf_print_text(values, int(summarize))}", file=sys.stdout)
    return x


def _tf_print_text(values, summarize, depth=0):
    if values.ndim == 0:
        value = values.item()
        return f"{value:g}" if isinstance(value, float) else str(value)
    n = values.shape[0]
    indices = list(range(n)) if summarize < 0 or n <= 2 * summarize else (
        list(range(summarize)) + [None] + list(range(n - summarize, n)))
    parts = ["..." if i is None else _tf_print_text(values[i], summarize, depth + 1) for i in indices]
    if values.ndim == 1:
        return "[" + " ".join(parts) + "]"
    separator = "\n" * (values.ndim - 1) + " " * (depth + 1)
    return "[" + separator.join(parts) + "]"


# -- padding and resizing of sequences, images and volumes -------------------------------------------

def temporal_padding(x, padding=(1, 1)):
    """Zeros before/after the time axis of (batch, steps, features)."""
    if len(padding) != 2:
        raise ValueError(f"K.temporal_padding: 'padding' must be 2 integers (before, after), received {padding!r}")
    return F.pad(_t(x), (0, 0, int(padding[0]), int(padding[1])))


def _spatial_padding(op, x, padding, data_format, rank):
    data_format = _format(op, data_format)
    if len(padding) != rank or any(len(pair) != 2 for pair in padding):
        raise ValueError(f"K.{op}: 'padding' must be {rank} pairs (before, after), received {padding!r}")
    widths = [int(v) for pair in reversed(padding) for v in pair]  # F.pad: last axis first
    if data_format == "channels_last":
        widths = [0, 0] + widths
    return F.pad(_t(x), widths)


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    return _spatial_padding("spatial_2d_padding", x, padding, data_format, 2)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    return _spatial_padding("spatial_3d_padding", x, padding, data_format, 3)


_RESIZE_METHODS = ("area", "bicubic", "bilinear", "gaussian", "lanczos3", "lanczos5", "mitchellcubic", "nearest")


def resize_images(x, height_factor, width_factor, data_format, interpolation="nearest"):
    """Images scaled by integer factors (UpSampling2D's op); 'nearest' repeats pixels, other methods
    resize as `tf.image.resize` does."""
    data_format = config.standardize_data_format(data_format, "K.resize_images")
    if interpolation not in _RESIZE_METHODS:
        raise ValueError(f"K.resize_images: argument 'interpolation' must be one of {_RESIZE_METHODS}, received "
                         f"{interpolation!r}")
    x = _t(x)
    rows = 1 if data_format == "channels_last" else 2
    if interpolation == "nearest":
        x = torch.repeat_interleave(x, int(height_factor), dim=rows)
        return torch.repeat_interleave(x, int(width_factor), dim=rows + 1)
    from tkeras.ops import image
    size = (x.shape[rows] * int(height_factor), x.shape[rows + 1] * int(width_factor))
    return image.resize(_float(x), size, interpolation=interpolation, data_format=data_format)


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    """Volumes scaled by repeating voxels (UpSampling3D's op)."""
    data_format = config.standardize_data_format(data_format, "K.resize_volumes")
    x = _t(x)
    first = 1 if data_format == "channels_last" else 2
    for offset, factor in enumerate((depth_factor, height_factor, width_factor)):
        x = torch.repeat_interleave(x, int(factor), dim=first + offset)
    return x


# The tensor functions: on KerasTensors (functional code) they become op nodes of the graph, as tf-keras
# recorded them (TFOpLambda).
record_in_graphs(globals(), [
    "cast_to_floatx", "cos", "sin", "cumsum", "cumprod", "gather", "reverse", "repeat", "in_top_k", "stop_gradient",
    "to_dense", "temporal_padding", "spatial_2d_padding", "spatial_3d_padding", "resize_images", "resize_volumes"
])
