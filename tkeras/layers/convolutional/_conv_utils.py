"""Argument normalization and TensorFlow's padding arithmetic, shared by conv, pooling and resampling.

Keras' numbers are TensorFlow's: a 'same' window whose total padding is odd puts the extra row at
the *end*, and a 'valid' output has `floor((n - k_eff) / s) + 1` positions. Torch only pads
symmetrically, so these helpers compute the exact (before, after) amounts and the layers pad
explicitly only when the two differ. Everything here is plain integer arithmetic on Python ints,
cheap enough to run on every call (input lengths may change between calls when a dim is None).
"""
import numbers

from tkeras.backend import config as backend_config
from tkeras.utils.lookup import lookup_error

# Keras 1 called the layout `dim_ordering` with TensorFlow/Theano names.
_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": None}


def normalize_tuple(value, rank, arg_name, layer_name, allow_zero=False):
    """`3` or `(3, 3)` -> a tuple of `rank` positive ints, or a ValueError naming the argument."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        values = (int(value),) * rank
    else:
        try:
            values = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            raise ValueError(f"{layer_name}: {arg_name} must be an integer or a tuple of {rank} integers, "
                             f"received {arg_name}={value!r}") from None
        if len(values) != rank:
            raise ValueError(f"{layer_name}: {arg_name} must be an integer or a tuple of {rank} integers, "
                             f"received {arg_name}={value!r} ({len(values)} values)")
    lowest = 0 if allow_zero else 1
    if any(v < lowest for v in values):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{layer_name}: every value of {arg_name} must be {kind}, received {arg_name}={value!r}")
    return values


def normalize_choice(value, layer_name, arg_name, allowed):
    """Case-insensitive choice, or a ValueError listing the valid names (and the closest one)."""
    choice = str(value).lower() if isinstance(value, str) else value
    if choice not in allowed:
        error = lookup_error(arg_name, value, allowed)
        raise ValueError(f"{layer_name}: {error}")
    return choice


def normalize_padding(value, layer_name, allowed=("valid", "same")):
    return normalize_choice(value, layer_name, "padding", allowed)


def normalize_data_format(value, layer_name):
    """None -> the global image_data_format(); Keras 1's 'tf'/'th' dim_ordering spellings accepted."""
    if value in _DIM_ORDERING:
        value = _DIM_ORDERING[value]
    if value is None:
        return backend_config.image_data_format()
    text = str(value).lower()
    if text not in ("channels_last", "channels_first"):
        backend_config.standardize_data_format(value, layer_name)
    return text


def effective_kernel(kernel, dilation):
    return (kernel - 1) * dilation + 1


def output_length(length, kernel, stride, padding, dilation=1):
    """Length of a conv/pool output along one axis, TensorFlow's rule; None stays None."""
    if length is None:
        return None
    if padding == "valid":
        return (length - effective_kernel(kernel, dilation)) // stride + 1
    return -(-length // stride)  # 'same' and 'causal': ceil(length / stride)


def same_padding(length, kernel, stride, dilation=1):
    """TensorFlow's 'same' padding for one axis: (before, after), the odd extra going after."""
    out = -(-length // stride)
    total = max((out - 1) * stride + effective_kernel(kernel, dilation) - length, 0)
    return total // 2, total - total // 2


def padding_amounts(lengths, kernel, strides, padding, dilation):
    """(before, after) per spatial axis for 'valid', 'same' or 'causal' (all before, 1D only)."""
    if padding == "valid":
        return [(0, 0)] * len(lengths)
    if padding == "causal":
        return [(effective_kernel(kernel[0], dilation[0]) - 1, 0)]
    return [same_padding(n, k, s, d) for n, k, s, d in zip(lengths, kernel, strides, dilation)]


def torch_pad_spec(amounts):
    """[(before, after) per axis, first axis first] -> F.pad's flat list (last axis first)."""
    spec = []
    for before, after in reversed(amounts):
        spec.extend((before, after))
    return spec


def check_window_fits(layer, spatial, kernel, dilation, padding, what="kernel_size"):
    """A 'valid' window larger than its input would give an empty output: say which layer and sizes."""
    if padding != "valid":
        return
    for n, k, d in zip(spatial, kernel, dilation):
        if n is not None and n < effective_kernel(k, d):
            dilated = f" (dilated to {tuple(effective_kernel(kk, dd) for kk, dd in zip(kernel, dilation))})" \
                if any(dd > 1 for dd in dilation) else ""
            raise ValueError(
                f"{type(layer).__name__} layer {layer.name!r}: the {what} {tuple(kernel)}{dilated} is larger "
                f"than the input's spatial size {tuple(spatial)} with padding='valid', which would give an "
                f"empty output. Use padding='same', a smaller {what}, or a longer input.")


def spatial_dims(shape, rank, data_format):
    """The spatial part of a batch shape, for either layout."""
    shape = tuple(shape)
    return shape[2:2 + rank] if data_format == "channels_first" else shape[1:1 + rank]


def with_spatial(shape, spatial, channels, data_format):
    """Re-assemble a batch shape from new spatial sizes and a channel count."""
    if data_format == "channels_first":
        return (shape[0], channels) + tuple(spatial)
    return (shape[0],) + tuple(spatial) + (channels,)


def pop_keras1_dim_ordering(kwargs, data_format):
    if "dim_ordering" in kwargs:
        return kwargs.pop("dim_ordering")
    return data_format


def pop_keras1_input_length(kwargs):
    """Keras 1 sequence layers took `input_dim`/`input_length` for a (length, dim) input shape."""
    if "input_length" in kwargs or ("input_dim" in kwargs and "input_shape" not in kwargs):
        length = kwargs.pop("input_length", None)
        dim = kwargs.pop("input_dim", None)
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (length, dim)
    return kwargs


def pop_fixed_groups(kwargs, label):
    """tf-keras 2 writes its Conv base class' `groups` (always 1) into the configs of transposed,
    depthwise and separable convolutions, which have no groups of their own: take it, refuse others."""
    groups = kwargs.pop("groups", 1)
    if groups != 1:
        raise ValueError(f"{label}: groups={groups!r} is not supported here (only 1, as in Keras)")
