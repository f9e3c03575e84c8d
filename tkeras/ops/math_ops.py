"""Elementwise math and reductions, in Keras 3's NumPy-style names (`ops.sum`, `ops.mean`, ...).

Binary ops bring both operands to a common dtype first: a float32 tensor meeting a float64 NumPy
array stays float32 (the tensor's precision wins, as in Keras), half-precision floats meeting float32
give float32 (Keras' result_type), a Python number adopts the tensor's.
"""
import builtins

import torch

from tkeras.ops.core import tensor, to_torch_dtype, user_op


def pair(x, y):
    """Two operands as tensors of one dtype and device."""
    if not isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor):
        y, x = pair(y, x)
        return x, y
    x = tensor(x)
    if isinstance(y, (int, float, bool)):
        # A Python number adopts the tensor's dtype, unless a float meets an integer tensor.
        keep = x.is_floating_point() or not isinstance(y, float)
        return x, torch.as_tensor(y, dtype=x.dtype if keep else torch.get_default_dtype(), device=x.device)
    y = tensor(y)
    if x.dtype != y.dtype:
        if x.is_floating_point() and not y.is_floating_point():
            y = y.to(x.dtype)
        elif y.is_floating_point() and not x.is_floating_point():
            x = x.to(y.dtype)
        elif type(y) is torch.Tensor and not isinstance(y, torch.nn.Parameter) and y.dim() == 0:
            y = y.to(x.dtype)
        else:
            target = torch.promote_types(x.dtype, y.dtype)
            if x.is_floating_point() and y.is_floating_point() and torch.float64 in (x.dtype, y.dtype):
                # float64 (a NumPy array's default) does not widen the other float; between the
                # narrower floats Keras' rule holds: float16/bfloat16 with float32 give float32,
                # float16 with bfloat16 float32.
                target = builtins.min(x.dtype, y.dtype, key=lambda d: torch.finfo(d).bits)
            x, y = x.to(target), y.to(target)
    if x.device != y.device:
        y = y.to(x.device)
    return x, y


def _binary(torch_fn):
    def op(x1, x2, name=None):
        a, b = pair(x1, x2)
        return torch_fn(a, b)
    op.__name__ = torch_fn.__name__
    return user_op(op)


add = _binary(torch.add)
subtract = _binary(torch.sub)
multiply = _binary(torch.mul)
divide = _binary(torch.true_divide)
true_divide = divide
floor_divide = _binary(torch.floor_divide)
mod = _binary(torch.remainder)
power = _binary(torch.pow)
pow = power  # noqa: A001 - TensorFlow's name
maximum = _binary(torch.maximum)
minimum = _binary(torch.minimum)
equal = _binary(torch.eq)
not_equal = _binary(torch.ne)
greater = _binary(torch.gt)
greater_equal = _binary(torch.ge)
less = _binary(torch.lt)
less_equal = _binary(torch.le)
logical_and = _binary(torch.logical_and)
logical_or = _binary(torch.logical_or)
logical_xor = _binary(torch.logical_xor)
squared_difference = user_op(lambda x, y, name=None: torch.square(torch.sub(*pair(x, y))))


def _float_input(x):
    x = tensor(x)
    return x if x.is_floating_point() or x.is_complex() else x.to(torch.get_default_dtype())


def _unary(torch_fn, needs_float=False):
    def op(x, name=None):
        return torch_fn(_float_input(x) if needs_float else tensor(x))
    op.__name__ = torch_fn.__name__
    return user_op(op)


negative = _unary(torch.neg)
abs = _unary(torch.abs)  # noqa: A001
absolute = abs
square = _unary(torch.square)
sqrt = _unary(torch.sqrt, True)
rsqrt = _unary(torch.rsqrt, True)
exp = _unary(torch.exp, True)
expm1 = _unary(torch.expm1, True)
log = _unary(torch.log, True)
log1p = _unary(torch.log1p, True)
log2 = _unary(torch.log2, True)
log10 = _unary(torch.log10, True)
sin = _unary(torch.sin, True)
cos = _unary(torch.cos, True)
tan = _unary(torch.tan, True)
tanh = _unary(torch.tanh, True)
sinh = _unary(torch.sinh, True)
cosh = _unary(torch.cosh, True)
arcsin = _unary(torch.asin, True)
arccos = _unary(torch.acos, True)
arctan = _unary(torch.atan, True)
sign = _unary(torch.sign)
floor = _unary(torch.floor)
ceil = _unary(torch.ceil)
@user_op
def round(x, decimals=0, name=None):  # noqa: A001
    x = tensor(x)
    if not x.is_floating_point():
        return x if decimals >= 0 else (torch.round(x.double(), decimals=int(decimals))).to(x.dtype)
    return torch.round(x, decimals=int(decimals))



reciprocal = _unary(torch.reciprocal, True)
logical_not = _unary(torch.logical_not)
isnan = _unary(torch.isnan)
isinf = _unary(torch.isinf)
isfinite = _unary(torch.isfinite)


@user_op
def clip(x, x_min, x_max):
    return torch.clamp(tensor(x), x_min, x_max)


@user_op
def matmul(x1, x2, transpose_a=False, transpose_b=False, name=None):
    a, b = pair(x1, x2)
    if transpose_a:
        a = a.transpose(-1, -2)
    if transpose_b:
        b = b.transpose(-1, -2)
    return torch.matmul(a, b)


@user_op
def dot(x1, x2):
    x, y = pair(x1, x2)
    if x.dim() == 0 or y.dim() == 0:
        return x * y
    return torch.tensordot(x, y, dims=([-1], [0 if y.dim() == 1 else -2]))


@user_op
def tensordot(x1, x2, axes=2):
    x, y = pair(x1, x2)
    return torch.tensordot(x, y, dims=axes)


@user_op
def einsum(subscripts, *operands, **kwargs):
    return torch.einsum(subscripts, *[tensor(o) for o in operands])


def _axes(axis):
    if axis is None:
        return None
    if isinstance(axis, torch.Tensor):
        axis = axis.tolist()
    return tuple(axis) if isinstance(axis, (list, tuple)) else int(axis)


def _reduce(torch_fn, needs_float=False):
    def op(x, axis=None, keepdims=False, name=None, **kwargs):
        keepdims = kwargs.pop("keep_dims", keepdims)  # TensorFlow 1's spelling
        x = _float_input(x) if needs_float else tensor(x)
        axes = _axes(axis)
        if axes is None:
            result = torch_fn(x)
            return result.reshape((1,) * x.dim()) if keepdims else result
        return torch_fn(x, dim=axes, keepdim=keepdims)
    op.__name__ = torch_fn.__name__
    return user_op(op)


def _amax(x, dim=None, keepdim=False):
    return torch.amax(x) if dim is None else torch.amax(x, dim=dim, keepdim=keepdim)


def _amin(x, dim=None, keepdim=False):
    return torch.amin(x) if dim is None else torch.amin(x, dim=dim, keepdim=keepdim)


def _prod(x, dim=None, keepdim=False):
    if dim is None:
        return torch.prod(x)
    for d in sorted(dim if isinstance(dim, tuple) else (dim,), key=lambda d: d % x.dim(), reverse=True):
        x = torch.prod(x, dim=d, keepdim=keepdim)
    return x


def _all(x, dim=None, keepdim=False):
    return x.bool().all() if dim is None else torch.all(x.bool(), dim=dim, keepdim=keepdim)


def _any(x, dim=None, keepdim=False):
    return x.bool().any() if dim is None else torch.any(x.bool(), dim=dim, keepdim=keepdim)


def _var(x, dim=None, keepdim=False):
    return torch.var(x, dim=dim, unbiased=False, keepdim=keepdim)


def _std(x, dim=None, keepdim=False):
    return torch.std(x, dim=dim, unbiased=False, keepdim=keepdim)


def _logsumexp(x, dim=None, keepdim=False):
    if dim is None:
        return torch.logsumexp(x.reshape(-1), dim=0)
    return torch.logsumexp(x, dim=dim, keepdim=keepdim)


sum = _reduce(torch.sum)  # noqa: A001
mean = _reduce(torch.mean, True)
# The plain (unwrapped) reductions, for the Keras-signature wrappers below.
_max, _min, _product = (_reduce(fn).__wrapped__ for fn in (_amax, _amin, _prod))


def _with_initial(result, initial, combine):
    if initial is None:
        return result
    return combine(result, torch.as_tensor(initial, dtype=result.dtype, device=result.device))


@user_op
def max(x, axis=None, keepdims=False, initial=None, name=None, **kwargs):  # noqa: A001
    """`initial` also gives the result of an empty reduction, as NumPy's."""
    x = tensor(x)
    if x.numel() == 0 and initial is not None:
        return _empty_reduction(x, axis, keepdims, initial)
    return _with_initial(_max(x, axis, keepdims, **kwargs), initial, torch.maximum)


@user_op
def min(x, axis=None, keepdims=False, initial=None, name=None, **kwargs):  # noqa: A001
    x = tensor(x)
    if x.numel() == 0 and initial is not None:
        return _empty_reduction(x, axis, keepdims, initial)
    return _with_initial(_min(x, axis, keepdims, **kwargs), initial, torch.minimum)


def _empty_reduction(x, axis, keepdims, initial):
    return torch.full_like(torch.sum(x, dim=_axes(axis), keepdim=keepdims), initial)


@user_op
def prod(x, axis=None, keepdims=False, dtype=None, name=None, **kwargs):
    return _product(tensor(x, dtype), axis, keepdims, **kwargs)


all = _reduce(_all)  # noqa: A001
any = _reduce(_any)  # noqa: A001
var = _reduce(_var, True)
std = _reduce(_std, True)
logsumexp = _reduce(_logsumexp, True)
amax, amin = max, min


def _arg(torch_fn, flatten_when_none):
    def op(x, axis=None, keepdims=False, output_type=None, name=None, **kwargs):
        axis = kwargs.pop("dimension", axis)  # TensorFlow 1's spelling
        x = tensor(x)
        if axis is None and flatten_when_none:
            result = torch_fn(x.reshape(-1), dim=0)
        else:
            result = torch_fn(x, dim=0 if axis is None else int(axis), keepdim=keepdims)
        return result.to(to_torch_dtype(output_type)) if output_type is not None else result
    op.__name__ = torch_fn.__name__
    return user_op(op)


# Keras 3: axis=None means "over the flattened tensor"; TensorFlow: axis=None means axis 0.
argmax = _arg(torch.argmax, flatten_when_none=True)
argmin = _arg(torch.argmin, flatten_when_none=True)
tf_argmax = _arg(torch.argmax, flatten_when_none=False)
tf_argmin = _arg(torch.argmin, flatten_when_none=False)


@user_op
def cumsum(x, axis=None, dtype=None, exclusive=False, reverse=False, name=None):
    x = tensor(x, dtype)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if reverse:
        x = x.flip(axis)
    result = torch.cumsum(x, dim=int(axis))
    if exclusive:
        result = result - x
    return result.flip(axis) if reverse else result


@user_op
def cumprod(x, axis=None, dtype=None):
    x = tensor(x, dtype)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.cumprod(x, dim=int(axis))


@user_op
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - NumPy's name
    x = _float_input(x)
    if ord in (None, "euclidean", "fro"):
        return torch.sqrt(torch.sum(x * x, dim=_axes(axis), keepdim=keepdims)) if axis is not None else torch.sqrt(
            torch.sum(x * x))
    return torch.linalg.norm(x, ord=ord, dim=_axes(axis), keepdim=keepdims)
