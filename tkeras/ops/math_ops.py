"""Elementwise math and reductions, in Keras 3's NumPy-style names (`ops.sum`, `ops.mean`, ...).

Binary ops bring both operands to a common dtype first: a float32 tensor meeting a float64 NumPy
array stays float32 (the tensor's precision wins, as in Keras), half-precision floats meeting float32
give float32 (Keras' result_type), a Python number adopts the tensor's.
"""
import builtins

import numpy as np
import torch

from tkeras.ops.core import tensor, to_torch_dtype, user_op


SMALL_INTS = (torch.int8, torch.int16, torch.int32, torch.uint8)


def pair(x, y):
    """Two operands as tensors of one dtype and device."""
    if not isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor):
        y, x = pair(y, x)
        return x, y
    x = tensor(x)
    if isinstance(y, (int, float, bool)):
        # A Python number is weakly typed (Keras' result_type): it adopts the tensor's dtype, except
        # that a float meeting an integer or bool tensor gives floatx and an int meeting a bool
        # tensor int32 (`add(bool_tensor, 1)` counts, it does not stay bool).
        if isinstance(y, float) and not (x.is_floating_point() or x.is_complex()):
            x = x.to(torch.get_default_dtype())
        elif x.dtype == torch.bool and not isinstance(y, bool):
            x = x.to(torch.int32)
        if isinstance(y, int) and not isinstance(y, bool) and x.dtype in SMALL_INTS:
            # An int outside a small int dtype's range wraps into it, as Keras (add(uint8, 1000) adds 232).
            return x, torch.tensor(y, dtype=torch.int64, device=x.device).to(x.dtype)
        return x, torch.as_tensor(y, dtype=x.dtype, device=x.device)
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


def _binary(torch_fn, bool_as_int=False):
    """`bool_as_int`: torch has no bool kernel; two bool operands compute (and give) int32, as in Keras."""
    def op(x1, x2, name=None):
        a, b = pair(x1, x2)
        if bool_as_int and a.dtype == torch.bool:
            a, b = a.to(torch.int32), b.to(torch.int32)
        return torch_fn(a, b)
    op.__name__ = torch_fn.__name__
    return user_op(op)


def _is_integer_like(x):
    """An integer or bool tensor or array (not a Python number)."""
    dtype = x.dtype if isinstance(x, torch.Tensor) else getattr(x, "dtype", None)
    if dtype is None:
        return False
    if isinstance(dtype, torch.dtype):
        return not (dtype.is_floating_point or dtype.is_complex)
    return dtype.kind in "biu"


@user_op
def divide(x1, x2, name=None):
    """True division. An integer or bool tensor divided by (or dividing) a Python int divides as floatx:
    the number keeps its value (`uint8 / -1` is -151.0, not 151/255 after -1 wrapped to 255)."""
    if isinstance(x2, (int, bool)) and _is_integer_like(x1):
        x1 = tensor(x1).to(torch.get_default_dtype())
    elif isinstance(x1, (int, bool)) and _is_integer_like(x2):
        x2 = tensor(x2).to(torch.get_default_dtype())
    a, b = pair(x1, x2)
    return torch.true_divide(a, b)


add = _binary(torch.add)
subtract = _binary(torch.sub)
multiply = _binary(torch.mul)
true_divide = divide
floor_divide = _binary(torch.floor_divide, bool_as_int=True)
mod = _binary(torch.remainder, bool_as_int=True)
power = _binary(torch.pow, bool_as_int=True)
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


@user_op
def abs(x, name=None):  # noqa: A001
    """A bool tensor is its own absolute value (torch has no bool abs)."""
    x = tensor(x)
    return x if x.dtype == torch.bool else torch.abs(x)


@user_op
def square(x, name=None):
    """Keras: the square of a bool tensor is int32."""
    x = tensor(x)
    return torch.square(x.to(torch.int32) if x.dtype == torch.bool else x)


absolute = abs
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


@user_op
def sign(x, name=None):
    """NaN stays NaN and -0.0 stays -0.0, as NumPy and Keras (torch.sign gives 0 for both)."""
    x = tensor(x)
    if not x.is_floating_point():
        return torch.sign(x)
    return torch.where((x == 0) | torch.isnan(x), x, torch.sign(x))


# Keras: floor and ceil always give a float (floatx for integer and bool input).
floor = _unary(torch.floor, True)
ceil = _unary(torch.ceil, True)


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
    x = tensor(x)
    x = x.to(torch.int32) if x.dtype == torch.bool else x  # Keras: bool -> int32
    if isinstance(x_min, (int, float)) and isinstance(x_max, (int, float)):
        return torch.clamp(x, x_min, x_max)
    # Tensor bounds (torch.clamp wants both bounds numbers or both tensors): in x's dtype, broadcast.
    low, high = (None if v is None else tensor(v).to(device=x.device, dtype=x.dtype) for v in (x_min, x_max))
    return torch.clamp(x, low, high)


@user_op
def matmul(x1, x2, transpose_a=False, transpose_b=False, name=None):
    """Keras' dtypes: int8 @ int8 accumulates and gives int32 (no int8 overflow); bool @ bool is bool
    (any pair of Trues)."""
    a, b = pair(x1, x2)
    if transpose_a:
        a = a.transpose(-1, -2)
    if transpose_b:
        b = b.transpose(-1, -2)
    if a.dtype == torch.int8:
        return torch.matmul(a.to(torch.int32), b.to(torch.int32))
    return _bool_product(torch.matmul, a, b)


def _bool_product(fn, *operands):
    """`fn` of bool operands as Keras has it (a bool result: any nonzero product), computed in int32."""
    if operands[0].dtype != torch.bool:
        return fn(*operands)
    return fn(*[o.to(torch.int32) for o in operands]) != 0


@user_op
def dot(x1, x2):
    x, y = pair(x1, x2)
    if x.dim() == 0 or y.dim() == 0:
        return x & y if x.dtype == torch.bool else x * y
    return _bool_product(lambda a, b: torch.tensordot(a, b, dims=([-1], [0 if b.dim() == 1 else -2])), x, y)


@user_op
def tensordot(x1, x2, axes=2):
    x, y = pair(x1, x2)
    return _bool_product(lambda a, b: torch.tensordot(a, b, dims=_tensordot_axes(axes)), x, y)


def _tensordot_axes(axes):
    """NumPy's and TensorFlow's spellings for torch: a count of trailing/leading axes stays an int; a pair
    of single axes (`axes=(2, 2)`, keras-io's PointNet) becomes a pair of one-axis lists."""
    if isinstance(axes, torch.Tensor):
        axes = axes.tolist()
    if isinstance(axes, (int, np.integer)):
        return int(axes)
    first, second = axes
    return _axis_list(first), _axis_list(second)


def _axis_list(axes):
    return [int(axes)] if isinstance(axes, (int, np.integer)) else [int(a) for a in axes]


@user_op
def einsum(subscripts, *operands, **kwargs):
    """Keras: int8 operands only give int32 (no overflow), bool operands only give bool."""
    operands = [tensor(o) for o in operands]
    dtypes = {o.dtype for o in operands}
    if dtypes == {torch.int8}:
        return torch.einsum(subscripts, *[o.to(torch.int32) for o in operands])
    if dtypes == {torch.bool}:
        return _bool_product(lambda *o: torch.einsum(subscripts, *o), *operands)
    if len(dtypes) > 1:  # mixed dtypes: one common dtype first (torch's einsum wants one)
        common = operands[0]
        for o in operands[1:]:
            common = pair(common, o)[0]
        operands = [o.to(common.dtype) for o in operands]
    return torch.einsum(subscripts, *operands)


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


_SUMMED_AS_INT32 = (torch.bool, torch.int8, torch.int16, torch.int32, torch.uint8)


def accumulator_dtype(dtype):
    """The dtype of Keras' sum/prod of `dtype`: bool and ints up to 32 bits give int32 (torch would give
    int64); int64, uint32 and floats keep theirs. uint8 gives int32 as on Keras' torch backend (its
    symbolic rule says uint32, but torch has no uint32 arithmetic: `sum(x) + 1` would fail)."""
    return torch.int32 if dtype in _SUMMED_AS_INT32 else dtype


def _accumulate(fn):
    """A sum/product reduction whose result has Keras' dtype (computed in torch's int64, then wrapped)."""
    reduce = _reduce(fn).__wrapped__

    def op(x, axis=None, keepdims=False, name=None, **kwargs):
        x = tensor(x)
        return reduce(x, axis, keepdims, **kwargs).to(accumulator_dtype(x.dtype))
    op.__name__ = fn.__name__
    return user_op(op)


sum = _accumulate(torch.sum)  # noqa: A001
mean = _reduce(torch.mean, True)
# The plain (unwrapped) reductions, for the Keras-signature wrappers below.
_max, _min = (_reduce(fn).__wrapped__ for fn in (_amax, _amin))
_product = _accumulate(_prod).__wrapped__


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
    result = _product(tensor(x, dtype), axis, keepdims, **kwargs)
    return result if dtype is None else result.to(to_torch_dtype(dtype))


all = _reduce(_all)  # noqa: A001
any = _reduce(_any)  # noqa: A001
var = _reduce(_var, True)
std = _reduce(_std, True)
logsumexp = _reduce(_logsumexp, True)
amax, amin = max, min


def index_input(x):
    """`x` for torch's arg-reductions and sorts, which have no bool kernels (bool -> uint8, as Keras)."""
    x = tensor(x)
    return x.to(torch.uint8) if x.dtype == torch.bool else x


def _arg(torch_fn, flatten_when_none, index_dtype):
    def op(x, axis=None, keepdims=False, output_type=None, name=None, **kwargs):
        axis = kwargs.pop("dimension", axis)  # TensorFlow 1's spelling
        x = index_input(x)
        if axis is None and flatten_when_none:
            result = torch_fn(x.reshape(-1), dim=0)
            if keepdims:
                result = result.reshape((1,) * x.dim())
        else:
            result = torch_fn(x, dim=0 if axis is None else int(axis), keepdim=keepdims)
        return result.to(to_torch_dtype(output_type) or index_dtype)
    op.__name__ = torch_fn.__name__
    return user_op(op)


# Keras 3: axis=None means "over the flattened tensor", and indices are int32 on every backend;
# TensorFlow: axis=None means axis 0, and tf.argmax's default output_type is int64.
argmax = _arg(torch.argmax, flatten_when_none=True, index_dtype=torch.int32)
argmin = _arg(torch.argmin, flatten_when_none=True, index_dtype=torch.int32)
tf_argmax = _arg(torch.argmax, flatten_when_none=False, index_dtype=torch.int64)
tf_argmin = _arg(torch.argmin, flatten_when_none=False, index_dtype=torch.int64)


def scan_dtype(x, dtype):
    """Keras' dtype of cumsum/cumprod: `dtype` if given, else the input's (small ints wrap, as in
    Keras), bool counting as int32."""
    if dtype is not None:
        return to_torch_dtype(dtype)
    return torch.int32 if x.dtype == torch.bool else x.dtype


@user_op
def cumsum(x, axis=None, dtype=None, exclusive=False, reverse=False, name=None):
    x = tensor(x)
    x = x.to(scan_dtype(x, dtype))
    if axis is None:
        x, axis = x.reshape(-1), 0
    if reverse:
        x = x.flip(axis)
    result = torch.cumsum(x, dim=int(axis), dtype=x.dtype)
    if exclusive:
        result = result - x
    return result.flip(axis) if reverse else result


@user_op
def cumprod(x, axis=None, dtype=None):
    x = tensor(x)
    x = x.to(scan_dtype(x, dtype))
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.cumprod(x, dim=int(axis), dtype=x.dtype)


@user_op
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - NumPy's name
    """NumPy's rules, as in Keras: one axis is a vector norm (no 'fro'/'nuc'), two a matrix norm; with
    axis=None, ord=None is the 2-norm of the flattened x and keepdims gives an all-ones shape."""
    x = _float_input(x)
    if axis is None and ord in (None, "euclidean"):
        result = torch.sqrt(torch.sum(x * x))
        return result.reshape((1,) * x.dim()) if keepdims else result
    axes = tuple(range(x.dim())) if axis is None else _axes(axis)
    axes = axes if isinstance(axes, tuple) else (axes,)
    if len(axes) == 1:
        if isinstance(ord, str) and ord != "euclidean":
            raise ValueError(f"norm: invalid order '{ord}' for vector norm.")
        if ord in (None, "euclidean"):
            return torch.sqrt(torch.sum(x * x, dim=axes, keepdim=keepdims))
        return torch.linalg.vector_norm(x, ord=ord, dim=axes, keepdim=keepdims)
    if len(axes) != 2:
        raise ValueError(f"norm: improper number of axes for norm: axis={axes}. Pass one axis to compute a "
                         "vector-norm, or two axes to compute a matrix-norm.")
    if ord in (None, "euclidean", "fro"):
        return torch.sqrt(torch.sum(x * x, dim=axes, keepdim=keepdims))
    if ord not in ("nuc", 1, -1, 2, -2, float("inf"), float("-inf")):
        raise ValueError(f"norm: invalid order '{ord}' for matrix norm.")
    return torch.linalg.matrix_norm(x, ord=ord, dim=axes, keepdim=keepdims)
