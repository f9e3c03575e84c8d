"""`tf.math` functions beyond Keras' ops: special functions, TensorFlow's zero-safe divisions, segment
reductions with TensorFlow's empty-segment values, and the small reductions (`reduce_euclidean_norm`,
`cumulative_logsumexp`, `bincount`) whose defaults differ from NumPy's."""
import builtins

import torch

from tkeras.compat.tf_namespace import errors
from tkeras.ops.core import to_torch_dtype, tensor, user_op
from tkeras.ops.math_ops import pair


def _float(x):
    x = tensor(x)
    return x if x.is_floating_point() or x.is_complex() else x.to(torch.get_default_dtype())


def _unary(torch_fn):
    @user_op
    def op(x, name=None):
        return torch_fn(_float(x))
    return op


erf = _unary(torch.special.erf)
erfc = _unary(torch.special.erfc)
erfinv = _unary(torch.special.erfinv)
erfcinv = _unary(lambda x: torch.special.erfinv(1 - x))
ndtri = _unary(torch.special.ndtri)
lgamma = _unary(torch.lgamma)
digamma = _unary(torch.special.digamma)
bessel_i0 = _unary(torch.special.i0)
bessel_i0e = _unary(torch.special.i0e)
bessel_i1 = _unary(torch.special.i1)
bessel_i1e = _unary(torch.special.i1e)
bessel_j0 = _unary(torch.special.bessel_j0)
bessel_j1 = _unary(torch.special.bessel_j1)
bessel_y0 = _unary(torch.special.bessel_y0)
bessel_y1 = _unary(torch.special.bessel_y1)
bessel_k0 = _unary(torch.special.modified_bessel_k0)
bessel_k1 = _unary(torch.special.modified_bessel_k1)
bessel_k0e = _unary(torch.special.scaled_modified_bessel_k0)
bessel_k1e = _unary(torch.special.scaled_modified_bessel_k1)
acosh = _unary(torch.acosh)
asinh = _unary(torch.asinh)
atanh = _unary(torch.atanh)
rint = _unary(torch.round)  # round half to even, as TensorFlow


@user_op
def atan2(y, x, name=None):
    y, x = pair(y, x)
    return torch.atan2(y, x)


@user_op
def igamma(a, x, name=None):
    a, x = pair(a, x)
    return torch.special.gammainc(a, x)


@user_op
def igammac(a, x, name=None):
    a, x = pair(a, x)
    return torch.special.gammaincc(a, x)


@user_op
def zeta(x, q, name=None):
    x, q = pair(x, q)
    return torch.special.zeta(x, q)


@user_op
def polygamma(a, x, name=None):
    """torch takes one integer order; TensorFlow's order is a tensor, so each distinct order runs once."""
    a, x = pair(a, x)
    a, x = torch.broadcast_tensors(a, x)
    out = torch.empty_like(x)
    for order in torch.unique(a).tolist():
        where = a == order
        out[where] = torch.special.polygamma(int(order), x[where]) if float(order).is_integer() and order >= 0 \
            else float("nan")
    return out


@user_op
def lbeta(x, name=None):
    x = _float(x)
    if x.shape[-1:] == (0,):
        return torch.zeros(x.shape[:-1], dtype=x.dtype, device=x.device)
    return torch.lgamma(x).sum(-1) - torch.lgamma(x.sum(-1))


@user_op
def nextafter(x1, x2, name=None):
    x1, x2 = pair(x1, x2)
    return torch.nextafter(x1, x2)


@user_op
def xdivy(x, y, name=None):
    x, y = pair(x, y)
    return torch.where(x == 0, torch.zeros_like(x), x / y)


@user_op
def xlogy(x, y, name=None):
    x, y = pair(x, y)
    return torch.where(x == 0, torch.zeros_like(x), x * torch.log(y))


@user_op
def xlog1py(x, y, name=None):
    x, y = pair(x, y)
    return torch.where(x == 0, torch.zeros_like(x), x * torch.log1p(y))


@user_op
def multiply_no_nan(x, y, name=None):
    """Zero wherever y is zero, even where x is inf or NaN (the point of the op: masked losses)."""
    x, y = pair(x, y)
    return torch.where(y == 0, torch.zeros_like(x * y), x * y)


@user_op
def reciprocal_no_nan(x, name=None):
    x = tensor(x)
    return torch.where(x == 0, torch.zeros_like(x), 1 / torch.where(x == 0, torch.ones_like(x), x))


@user_op
def scalar_mul(scalar, x, name=None):
    return tensor(x) * tensor(scalar).to(tensor(x).dtype)


@user_op
def add_n(inputs, name=None):
    inputs = [tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("inputs must be a list of at least one Tensor/IndexedSlices with the same dtype and shape")
    if any(t.dtype != inputs[0].dtype for t in inputs):
        raise TypeError("inputs must be a list of at least one Tensor with the same dtype")
    if any(t.shape != inputs[0].shape for t in inputs):
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and shape")
    return torch.stack(inputs).sum(0)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    return add_n(inputs)


@user_op
def realdiv(x, y, name=None):
    x, y = pair(x, y)
    return x / y


@user_op
def truncatediv(x, y, name=None):
    """C's rounding toward zero; integer division by zero is TensorFlow's InvalidArgumentError."""
    x, y = pair(x, y)
    if x.is_floating_point():
        return torch.trunc(x / y)
    if bool((y == 0).any()):
        raise errors.op_error(errors.InvalidArgumentError, "Integer division by zero", "TruncateDiv")
    return torch.div(x, y, rounding_mode="trunc")


@user_op
def truncatemod(x, y, name=None):
    x, y = pair(x, y)
    return torch.fmod(x, y)


@user_op
def invert_permutation(x, name=None):
    x = tensor(x)
    if x.dim() != 1:
        raise errors.op_error(errors.InvalidArgumentError, "invert_permutation expects a 1D vector.",
                              "InvertPermutation")
    if sorted(x.tolist()) != list(builtins.range(x.numel())):
        raise errors.op_error(errors.InvalidArgumentError, f"{x.tolist()} is not a permutation",
                              "InvertPermutation")
    out = torch.empty_like(x)
    out[x.long()] = torch.arange(x.numel(), dtype=x.dtype, device=x.device)
    return out


@user_op
def is_non_decreasing(x, name=None):
    x = tensor(x).reshape(-1)
    return (x[1:] >= x[:-1]).all()


@user_op
def is_strictly_increasing(x, name=None):
    x = tensor(x).reshape(-1)
    return (x[1:] > x[:-1]).all()


@user_op
def zero_fraction(value, name=None):
    x = tensor(value)
    return (x == 0).float().mean() if x.numel() else torch.tensor(float("nan"))


@user_op
def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    x = tensor(input_tensor)
    if axis is None:
        axis = tuple(builtins.range(x.dim()))
    result = torch.sqrt((x.to(torch.float64) if not x.is_floating_point() else x).square().sum(axis, keepdim=keepdims))
    return result.to(x.dtype) if not x.is_floating_point() else result  # integers: TensorFlow truncates


@user_op
def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    x = _float(x)
    axis = int(axis)
    if reverse:
        x = x.flip(axis)
    if exclusive:
        pad = torch.full_like(x.narrow(axis, 0, 1), float("-inf"))
        x = torch.cat([pad, x.narrow(axis, 0, x.shape[axis] - 1)], axis)
    result = torch.logcumsumexp(x, axis)
    return result.flip(axis) if reverse else result


def _scan(x, axis, exclusive, reverse, accumulate, identity):
    """TensorFlow's scans: along `axis` (0 by default, where Keras' ops flatten), the input's dtype kept;
    `exclusive` shifts in the identity instead of subtracting or dividing (a zero stays exact)."""
    x = tensor(x)
    axis = int(axis)
    if reverse:
        x = x.flip(axis)
    if exclusive and x.shape[axis]:
        pad = torch.full_like(x.narrow(axis, 0, 1), identity)
        x = torch.cat([pad, x.narrow(axis, 0, x.shape[axis] - 1)], axis)
    result = accumulate(x, axis, dtype=x.dtype)
    return result.flip(axis) if reverse else result


@user_op
def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    return _scan(x, axis, exclusive, reverse, torch.cumsum, 0)


@user_op
def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    return _scan(x, axis, exclusive, reverse, torch.cumprod, 1)


@user_op
def polyval(coeffs, x, name=None):
    """Horner's scheme over TensorFlow's list of coefficients (highest power first)."""
    x = tensor(x)
    if not coeffs:
        return torch.zeros_like(x)
    result = tensor(coeffs[0]).to(x.dtype) * torch.ones_like(x)
    for c in coeffs[1:]:
        result = result * x + tensor(c).to(x.dtype)
    return result


@user_op
def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=torch.int32, name=None, axis=None,
             binary_output=False):
    arr = tensor(arr).long()
    if arr.numel() and bool((arr < 0).any()):
        raise errors.op_error(errors.InvalidArgumentError, "Input arr must be non-negative!", "Bincount")
    size = int(arr.max()) + 1 if arr.numel() else 0
    if minlength is not None:
        size = builtins.max(size, int(minlength))
    if maxlength is not None:
        size = builtins.min(size, int(maxlength))
    out_dtype = tensor(weights).dtype if weights is not None else to_torch_dtype(dtype)
    w = torch.ones_like(arr, dtype=torch.float64) if weights is None else tensor(weights).to(torch.float64)
    if axis == -1 and arr.dim() == 2:
        rows = torch.arange(arr.shape[0], device=arr.device).unsqueeze(1).expand_as(arr)
        keep = arr < size
        counts = torch.zeros((arr.shape[0], size), dtype=torch.float64, device=arr.device)
        counts.index_put_((rows[keep], arr[keep]), w.broadcast_to(arr.shape)[keep], accumulate=True)
    else:
        flat, w = arr.reshape(-1), w.broadcast_to(arr.shape).reshape(-1)
        keep = flat < size
        counts = torch.zeros(size, dtype=torch.float64, device=arr.device).index_add_(0, flat[keep], w[keep])
    if binary_output:
        counts = (counts > 0).to(torch.float64)
    return counts.to(out_dtype)


# -- segments ---------------------------------------------------------------------------------------------
def _check_sorted(ids, op_name):
    if ids.numel() > 1 and bool((ids[1:] < ids[:-1]).any()):
        raise errors.op_error(errors.InvalidArgumentError, "segment ids are not increasing", op_name)
    if ids.numel() and bool((ids < 0).any()):
        raise errors.op_error(errors.InvalidArgumentError, "segment ids must be >= 0", op_name)


def _segments(data, ids, count, reduce, empty):
    """One scatter-reduce over the leading axes named by `ids`; segments nobody wrote get `empty`."""
    data, ids = tensor(data), tensor(ids).long()
    lead = ids.dim()
    if tuple(data.shape[:lead]) != tuple(ids.shape):
        raise errors.op_error(errors.InvalidArgumentError,
                              f"data.shape = {list(data.shape)} does not start with segment_ids.shape = "
                              f"{list(ids.shape)}", None)
    rows = data.reshape((-1,) + tuple(data.shape[lead:]))
    ids = ids.reshape(-1)
    keep = (ids >= 0) & (ids < count)
    rows, ids = rows[keep], ids[keep]
    work = rows.to(torch.float64) if reduce in ("mean", "sqrt_n") and not rows.is_floating_point() else rows
    out_shape = (count,) + tuple(data.shape[lead:])
    index = ids.reshape((-1,) + (1,) * (rows.dim() - 1)).expand_as(work)
    if reduce in ("mean", "sqrt_n", "sum"):
        total = torch.zeros(out_shape, dtype=work.dtype, device=work.device).scatter_add(0, index, work)
        if reduce == "sum":
            return total
        n = torch.zeros(count, dtype=work.dtype, device=work.device).index_add_(
            0, ids, torch.ones_like(ids, dtype=work.dtype)).reshape((count,) + (1,) * (work.dim() - 1))
        scale = n if reduce == "mean" else torch.sqrt(n)
        result = torch.where(n > 0, total / torch.where(n > 0, scale, torch.ones_like(scale)), torch.zeros_like(total))
        return result.to(data.dtype) if not data.is_floating_point() else result
    result = torch.zeros(out_shape, dtype=work.dtype, device=work.device).scatter_reduce(
        0, index, work, reduce=reduce, include_self=False)
    written = torch.zeros(count, dtype=torch.bool, device=work.device)
    written[ids] = True
    written = written.reshape((count,) + (1,) * (work.dim() - 1))
    return torch.where(written, result, torch.full_like(result, empty(data.dtype)))


def _lowest(dtype):
    return torch.finfo(dtype).min if dtype.is_floating_point else torch.iinfo(dtype).min


def _highest(dtype):
    return torch.finfo(dtype).max if dtype.is_floating_point else torch.iinfo(dtype).max


def _sorted_segment(op_name, reduce, empty):
    @user_op
    def op(data, segment_ids, name=None):
        ids = tensor(segment_ids).long()
        if ids.dim() != 1:
            raise errors.op_error(errors.InvalidArgumentError, "segment_ids should be a vector.", op_name)
        if ids.shape[0] != tensor(data).shape[0]:
            raise errors.op_error(errors.InvalidArgumentError, "segment_ids should be the same size as dimension "
                                                               "0 of input.", op_name)
        _check_sorted(ids, op_name)
        return _segments(data, ids, int(ids.max()) + 1 if ids.numel() else 0, reduce, empty)
    op.__name__ = op.__qualname__ = op_name
    return op


def _unsorted_segment(op_name, reduce, empty):
    @user_op
    def op(data, segment_ids, num_segments, name=None):
        return _segments(data, segment_ids, int(num_segments), reduce, empty)
    op.__name__ = op.__qualname__ = op_name
    return op


segment_sum = _sorted_segment("SegmentSum", "sum", None)
segment_mean = _sorted_segment("SegmentMean", "mean", None)
segment_prod = _sorted_segment("SegmentProd", "prod", lambda dtype: 1)
segment_max = _sorted_segment("SegmentMax", "amax", lambda dtype: 0)
segment_min = _sorted_segment("SegmentMin", "amin", lambda dtype: 0)
unsorted_segment_sum = _unsorted_segment("UnsortedSegmentSum", "sum", None)
unsorted_segment_mean = _unsorted_segment("UnsortedSegmentMean", "mean", None)
unsorted_segment_sqrt_n = _unsorted_segment("UnsortedSegmentSqrtN", "sqrt_n", None)
unsorted_segment_prod = _unsorted_segment("UnsortedSegmentProd", "prod", lambda dtype: 1)
unsorted_segment_max = _unsorted_segment("UnsortedSegmentMax", "amax", _lowest)
unsorted_segment_min = _unsorted_segment("UnsortedSegmentMin", "amin", _highest)
