"""TensorFlow's sums, products and means of integer tensors keep the integer dtype.

Keras 3's ops widen them instead (a mean of ints is a float, a sum of uint8 is int32). Code written
against TensorFlow (`tf.reduce_mean`, `tf.reduce_sum`) and Keras 2's backend (`K.mean`, `K.sum`) sees
TensorFlow's results: `tf.reduce_mean([1, 2])` is 1, an accuracy computed as the mean of an int32
match vector is 0 until every prediction matches, and the sum of uint8 pixels wraps around at 256.
Those are what the readers of that code saw printed, so the TensorFlow-facing reductions follow them.
"""
import torch

_WIDE = torch.int64


def keeps_integer_dtype(x):
    """Whether TensorFlow reduces `x` in its own integer dtype (bool is not a number to TensorFlow's
    reductions: it refuses them, tkeras gives Keras' result instead)."""
    return isinstance(x, torch.Tensor) and not (x.is_floating_point() or x.is_complex() or x.dtype == torch.bool)


def _dims(x, axis):
    if axis is None:
        return tuple(range(x.dim()))
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    return tuple(int(a) % max(x.dim(), 1) for a in axes)


def _reduce(x, axis, keepdims, reducer):
    dims = _dims(x, axis)
    if not dims:  # `axis=[]` reduces nothing, as in TensorFlow (torch would reduce every axis)
        return x.clone(), 1
    result = x.to(_WIDE)
    for d in sorted(dims, reverse=True):
        result = reducer(result, d, keepdims)
    count = 1
    for d in dims:
        count *= x.shape[d]
    return result, count


def integer_sum(x, axis=None, keepdims=False):
    """The sum in `x`'s dtype, wrapping around on overflow as TensorFlow's does."""
    total, _ = _reduce(x, axis, keepdims, lambda t, d, keep: t.sum(dim=d, keepdim=keep))
    return total.to(x.dtype)


def integer_prod(x, axis=None, keepdims=False):
    product, _ = _reduce(x, axis, keepdims, lambda t, d, keep: t.prod(dim=d, keepdim=keep))
    return product.to(x.dtype)


def integer_mean(x, axis=None, keepdims=False):
    """The sum divided by the count, truncated toward zero, in `x`'s dtype; 0 over no elements."""
    total, count = _reduce(x, axis, keepdims, lambda t, d, keep: t.sum(dim=d, keepdim=keep))
    return torch.div(total, max(count, 1), rounding_mode="trunc").to(x.dtype)
