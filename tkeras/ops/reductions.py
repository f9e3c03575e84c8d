"""Keras 3's statistical reductions beyond `sum`/`mean`/`max` (`median`, `quantile`, the `nan*` family,
`average`, `ptp`, `count_nonzero`) and the counting ops (`histogram`, `bincount`, `digitize`,
`searchsorted`).

Quantiles over several axes move those axes to the end and flatten them, so each is one
`torch.quantile` call; NaN-ignoring variants use torch's `nan*` kernels where they exist and otherwise
replace NaN by the reduction's identity.
"""
import builtins

import numpy as np
import torch

from tkeras.ops.core import tensor, user_op
from tkeras.ops.math_ops import _axes, _float_input, accumulator_dtype, index_input, pair, scan_dtype

QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def axis_tuple(op, x, axis, name="axis"):
    """`axis` (None, an int or a sequence) as a tuple of non-negative axes, checked against x's rank."""
    if axis is None:
        return tuple(range(x.dim()))
    axes = _axes(axis)
    axes = axes if isinstance(axes, tuple) else (axes,)
    rank = x.dim()
    for a in axes:
        if not -builtins.max(rank, 1) <= a < builtins.max(rank, 1):
            raise ValueError(f"{op}: argument {name!r} = {axis!r} is out of range for a tensor of rank {rank}; "
                             f"expected values in [{-rank}, {rank})")
    return tuple(sorted(a % builtins.max(rank, 1) for a in axes))


def _quantiles(op, x, q, axis, method, keepdims, ignore_nan):
    if method not in QUANTILE_METHODS:
        raise ValueError(f"{op}: argument 'method' must be one of {QUANTILE_METHODS}, received {method!r}")
    x = _float_input(x)
    half = x.dtype in (torch.float16, torch.bfloat16)  # torch.quantile has no half kernels: work in float32
    if half:
        return _quantiles(op, x.float(), q, axis, method, keepdims, ignore_nan).to(x.dtype)
    if not isinstance(q, torch.Tensor):  # checked on the host: a device tensor's check would wait for the device
        values = np.asarray(q, dtype=np.float64)
        if np.any((values < 0) | (values > 1)):
            raise ValueError(f"{op}: quantiles must lie in [0, 1] (percentiles in [0, 100]), received "
                             f"{values.tolist()}")
    q = tensor(q).to(x.dtype)
    axes = axis_tuple(op, x, axis)
    kept = [i for i in range(x.dim()) if i not in axes]
    reduced = int(np.prod([x.shape[i] for i in axes]))  # not -1: that is ambiguous for an empty x
    flat = x.permute(kept + list(axes)).reshape([x.shape[i] for i in kept] + [reduced])
    fn = torch.nanquantile if ignore_nan else torch.quantile
    if flat.numel() == 0:  # torch refuses empty input: an empty result, or NaN for an empty reduction
        result = torch.full(tuple(q.shape) + tuple(flat.shape[:-1]), float("nan"), dtype=x.dtype, device=x.device)
    else:
        result = fn(flat, q, dim=-1, interpolation=method)  # q's dims first, then the kept ones
    if keepdims:
        shape = [1 if i in axes else d for i, d in enumerate(x.shape)]
        result = result.reshape(tuple(q.shape) + tuple(shape))
    return result


@user_op
def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantiles("quantile", x, q, axis, method, keepdims, ignore_nan=False)


@user_op
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantiles("nanquantile", x, q, axis, method, keepdims, ignore_nan=True)


@user_op
def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantiles("percentile", x, _fraction(q), axis, method, keepdims, ignore_nan=False)


@user_op
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantiles("nanpercentile", x, _fraction(q), axis, method, keepdims, ignore_nan=True)


def _fraction(percent):
    return percent / 100.0 if isinstance(percent, torch.Tensor) else np.asarray(percent, dtype=np.float64) / 100.0


@user_op
def median(x, axis=None, keepdims=False):
    """The mean of the two middle values for even counts, as NumPy (torch.median takes the lower)."""
    return _quantiles("median", x, 0.5, axis, "linear", keepdims, ignore_nan=False)


@user_op
def nanmedian(x, axis=None, keepdims=False):
    return _quantiles("nanmedian", x, 0.5, axis, "linear", keepdims, ignore_nan=True)


def _reduce_axes(op, x, axis, keepdims, fn):
    axes = axis_tuple(op, x, axis)
    if not axes:
        return x
    return fn(x, axes, keepdims)


@user_op
def nansum(x, axis=None, keepdims=False):
    x = tensor(x)
    result = _reduce_axes("nansum", x, axis, keepdims, lambda v, a, k: torch.nansum(v, dim=a, keepdim=k))
    return result.to(accumulator_dtype(x.dtype))  # Keras' sum dtype: int32 for small ints, not int64


@user_op
def nanmean(x, axis=None, keepdims=False):
    x = _float_input(x)
    return _reduce_axes("nanmean", x, axis, keepdims, lambda v, a, k: torch.nanmean(v, dim=a, keepdim=k))


@user_op
def nanprod(x, axis=None, keepdims=False):
    x = tensor(x)
    clean = torch.where(torch.isnan(x), torch.ones_like(x), x) if x.is_floating_point() else x
    result = clean
    for a in sorted(axis_tuple("nanprod", x, axis), reverse=True):
        result = torch.prod(result, dim=a, keepdim=keepdims)
    return result.to(accumulator_dtype(x.dtype))  # Keras' prod dtype: int32 for small ints, not int64


def _nan_extreme(op, x, axis, keepdims, largest):
    x = tensor(x)
    axes = axis_tuple(op, x, axis)
    reduce = torch.amax if largest else torch.amin
    if not x.is_floating_point() or not axes:
        return reduce(x, dim=axes, keepdim=keepdims) if axes else x
    nan = torch.isnan(x)
    fill = float("-inf") if largest else float("inf")
    result = reduce(torch.where(nan, torch.full_like(x, fill), x), dim=axes, keepdim=keepdims)
    all_nan = torch.all(nan, dim=axes, keepdim=keepdims)
    return torch.where(all_nan, torch.full_like(result, float("nan")), result)


@user_op
def nanmax(x, axis=None, keepdims=False):
    return _nan_extreme("nanmax", x, axis, keepdims, largest=True)


@user_op
def nanmin(x, axis=None, keepdims=False):
    return _nan_extreme("nanmin", x, axis, keepdims, largest=False)


def _nan_moment(x, axes, keepdims):
    count = torch.sum(~torch.isnan(x), dim=axes, keepdim=True)
    mean = torch.nansum(x, dim=axes, keepdim=True) / count
    squares = torch.where(torch.isnan(x), torch.zeros_like(x), torch.square(x - mean))
    variance = torch.sum(squares, dim=axes, keepdim=True) / count
    return variance if keepdims else variance.squeeze(axes)


@user_op
def nanvar(x, axis=None, keepdims=False):
    x = _float_input(x)
    return _nan_moment(x, axis_tuple("nanvar", x, axis), keepdims)


@user_op
def nanstd(x, axis=None, keepdims=False):
    x = _float_input(x)
    return torch.sqrt(_nan_moment(x, axis_tuple("nanstd", x, axis), keepdims))


def _nan_arg(op, x, axis, keepdims, largest):
    x = tensor(x)
    nan = None
    if x.is_floating_point():
        fill = float("-inf") if largest else float("inf")
        nan = torch.isnan(x)
        x = torch.where(nan, torch.full_like(x, fill), x)
    fn = torch.argmax if largest else torch.argmin
    if axis is None:
        result = fn(x.reshape(-1))
        if nan is not None:
            result = torch.where(torch.all(nan), torch.full_like(result, -1), result)
        return result.reshape((1,) * x.dim()) if keepdims else result
    (a,) = axis_tuple(op, x, axis)
    result = fn(x, dim=a, keepdim=keepdims)
    if nan is not None:  # an all-NaN slice gives -1, as Keras (its JAX and torch backends)
        result = torch.where(torch.all(nan, dim=a, keepdim=keepdims), torch.full_like(result, -1), result)
    return result


@user_op
def nanargmax(x, axis=None, keepdims=False):
    """int32 indices, as Keras' (bool input compares as 0/1)."""
    return _nan_arg("nanargmax", index_input(x), axis, keepdims, largest=True).to(torch.int32)


@user_op
def nanargmin(x, axis=None, keepdims=False):
    return _nan_arg("nanargmin", index_input(x), axis, keepdims, largest=False).to(torch.int32)


def _nan_cumulative(x, axis, dtype, identity, fn):
    x = tensor(x)
    x = x.to(scan_dtype(x, dtype))  # Keras' cumsum/cumprod dtype
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.full_like(x, identity), x)
    return fn(x, dim=int(axis), dtype=x.dtype)


@user_op
def nancumsum(x, axis=None, dtype=None):
    return _nan_cumulative(x, axis, dtype, 0.0, torch.cumsum)


@user_op
def nancumprod(x, axis=None, dtype=None):
    return _nan_cumulative(x, axis, dtype, 1.0, torch.cumprod)


@user_op
def average(x, axis=None, weights=None):
    x = _float_input(x)
    if weights is None:
        return torch.mean(x) if axis is None else torch.mean(x, dim=_axes(axis))
    x, weights = pair(x, weights)
    if weights.dim() == 1 and x.dim() > 1:
        if axis is None:
            raise ValueError("average: 1-D 'weights' need an 'axis' when 'x' has more than one dimension")
        (a,) = axis_tuple("average", x, axis)
        if weights.shape[0] != x.shape[a]:
            raise ValueError(f"average: 'weights' has length {weights.shape[0]} but axis {axis} of 'x' has size "
                             f"{x.shape[a]}")
        weights = weights.reshape([-1 if i == a else 1 for i in range(x.dim())])
    if axis is None:
        return torch.sum(x * weights) / torch.sum(torch.broadcast_to(weights, x.shape))
    dims = _axes(axis)
    return torch.sum(x * weights, dim=dims) / torch.sum(torch.broadcast_to(weights, x.shape), dim=dims)


@user_op
def ptp(x, axis=None, keepdims=False):
    x = tensor(x)
    axes = axis_tuple("ptp", x, axis)
    return torch.amax(x, dim=axes, keepdim=keepdims) - torch.amin(x, dim=axes, keepdim=keepdims)


@user_op
def count_nonzero(x, axis=None):
    x = tensor(x)
    return torch.count_nonzero(x, dim=None if axis is None else axis_tuple("count_nonzero", x, axis)).to(torch.int32)


@user_op
def histogram(x, bins=10, range=None):  # noqa: A002 - NumPy's name
    """(counts, bin_edges) of a 1-D tensor, both in x's float dtype; edges as NumPy computes them."""
    x = _float_input(x)
    if x.dim() != 1:
        raise ValueError(f"histogram: 'x' must be 1-D, received shape {tuple(x.shape)}")
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"histogram: 'bins' must be a positive integer, received {bins!r}")
    low, high = (x.min(), x.max()) if range is None else (torch.as_tensor(range[0]), torch.as_tensor(range[1]))
    low, high = low.to(x), high.to(x)
    if range is None:  # NumPy widens an empty range (constant input) by 0.5 on each side
        constant = low == high
        low, high = torch.where(constant, low - 0.5, low), torch.where(constant, high + 0.5, high)
    edges = torch.linspace(0, 1, bins + 1, device=x.device, dtype=x.dtype) * (high - low) + low
    inside = ((x >= low) & (x <= high)).to(x.dtype)  # a 0/1 weight: no boolean indexing, no host sync
    index = torch.clamp(((x - low) / (high - low) * bins).floor().long(), 0, bins - 1)
    counts = torch.zeros(bins, dtype=x.dtype, device=x.device)  # float counts, as Keras returns them
    counts.index_add_(0, index, inside)
    return counts, edges


@user_op
def bincount(x, weights=None, minlength=0, sparse=False):
    if not isinstance(x, torch.Tensor) and np.any(np.asarray(x) < 0):  # host values: checked without a sync
        raise ValueError("bincount: 'x' must hold non-negative integers")
    x = tensor(x)
    if x.is_floating_point():
        raise ValueError(f"bincount: 'x' must hold non-negative integers, received dtype "
                         f"{str(x.dtype).replace('torch.', '')}")
    if sparse:
        raise NotImplementedError("bincount: sparse=True is not supported in tkeras (torch has no sparse result "
                                  "here); use the dense result")
    if x.dim() == 2:  # Keras: one count per row
        length = builtins.max(int(minlength), int(x.max()) + 1 if x.numel() else 0)
        w = None if weights is None else tensor(weights)
        out = torch.zeros((x.shape[0], length), device=x.device,
                          dtype=w.dtype if w is not None else torch.int32)
        out.scatter_add_(1, x.long(), w if w is not None else torch.ones_like(x, dtype=torch.int32))
        return out
    w = None if weights is None else tensor(weights)
    result = torch.bincount(x.long(), weights=w, minlength=int(minlength))
    # Keras: the weights' dtype (torch sums them in float64), int32 counts without weights
    return result.to(torch.int32 if w is None or w.dtype == torch.bool else w.dtype)


@user_op
def digitize(x, bins):
    """NumPy's digitize: `bins` may increase or decrease monotonically (checked on its two ends)."""
    x, bins = tensor(x), tensor(bins)
    bins = bins.to(x.dtype) if x.is_floating_point() else bins
    if bins.dim() == 1 and bins.shape[0] > 1 and bool(bins[0] > bins[-1]):
        # Decreasing: index i with bins[i-1] > x >= bins[i], counted on the reversed bins.
        return (bins.shape[0] - torch.bucketize(x, bins.flip(0), right=False)).to(torch.int32)
    return torch.bucketize(x, bins, right=True).to(torch.int32)


@user_op
def searchsorted(sorted_sequence, values, side="left"):
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: argument 'side' must be 'left' or 'right', received {side!r}")
    sequence, values = pair(sorted_sequence, values)
    if sequence.dim() != 1:
        raise ValueError(f"searchsorted: 'sorted_sequence' must be 1-D, received shape {tuple(sequence.shape)}")
    return torch.searchsorted(sequence, values, right=side == "right").to(torch.int32)


@user_op
def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _float_input(y)
    if x is None:
        return torch.trapezoid(y, dx=dx, dim=int(axis))
    return torch.trapezoid(y, tensor(x).to(y.dtype), dim=int(axis))
