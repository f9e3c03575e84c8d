"""`tf.experimental.numpy` (imported as `tnp`): NumPy's names over tkeras' tensors.

Keras 3's `keras.ops` already follows NumPy's names and signatures, so nearly every `tnp.X` is `ops.X`.
What differs is creation: `tnp` infers dtypes as NumPy does (Python floats become float64, ints
int64) where `ops` prefers float32, so `tnp.array`, `zeros`, `arange`, `linspace`, ... are written here
to keep TensorFlow's dtypes. Results are tkeras tensors, which is what `tnp.ndarray` names.
"""
import math

import numpy as np
import torch

import tkeras.ops as _ops
from tkeras.compat.tf_namespace._unsupported import unsupported
from tkeras.ops.core import for_user, to_torch_dtype

bool_ = torch.bool
int8, int16, int32, int64 = torch.int8, torch.int16, torch.int32, torch.int64
uint8, uint16, uint32, uint64 = torch.uint8, torch.uint16, torch.uint32, torch.uint64
float16, float32, float64 = torch.float16, torch.float32, torch.float64
complex64, complex128 = torch.complex64, torch.complex128
int_, float_, complex_ = torch.int64, torch.float64, torch.complex128
pi, e, inf, nan = math.pi, math.e, math.inf, math.nan
newaxis = None


def _ndarray_class():
    from tkeras.compat.tf_namespace import Tensor
    return Tensor


def _dtype(dtype):
    if dtype is None:
        return None
    if dtype in (float, "float"):
        return torch.float64
    if dtype in (int, "int"):
        return torch.int64
    if dtype in (bool, "bool"):
        return torch.bool
    if isinstance(dtype, np.dtype) or (isinstance(dtype, type) and issubclass(dtype, np.generic)):
        return to_torch_dtype(np.dtype(dtype).name)
    return to_torch_dtype(dtype)


def _numpy_array(value):
    if isinstance(value, torch.Tensor):
        return None
    if isinstance(value, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in value):
        return np.asarray([v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else v for v in value])
    return np.asarray(value)


def asarray(a, dtype=None):
    """`a` as a tensor, with NumPy's dtype inference (float64 for Python floats)."""
    wanted = _dtype(dtype)
    array = _numpy_array(a)
    if array is None:
        # A tensor stays in the autograd graph, as TF's asarray of a tensor or variable does: tnp code in
        # a layer's call or a loss (tnp.mean, tnp.std, ...) must pass gradients to the weights.
        out = a
    elif array.dtype.kind in "USO":
        raise TypeError(f"tf.experimental.numpy.asarray: tkeras holds numbers only, received {array.dtype} values")
    else:
        out = torch.as_tensor(array)
    return for_user(out if wanted is None else out.to(wanted))


def array(val, dtype=None, copy=True, ndmin=0):
    out = asarray(val, dtype)
    out = out.clone() if copy else out
    while out.dim() < ndmin:
        out = out.unsqueeze(0)
    return for_user(out)


asanyarray = ascontiguousarray = asarray


def _shape(shape):
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)


def zeros(shape, dtype=float):
    return for_user(torch.zeros(_shape(shape), dtype=_dtype(dtype)))


def ones(shape, dtype=float):
    return for_user(torch.ones(_shape(shape), dtype=_dtype(dtype)))


def empty(shape, dtype=float):
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    value = asarray(fill_value, dtype)
    return for_user(torch.broadcast_to(value, _shape(shape)).clone())


def _like(a, dtype, fill):
    source = asarray(a)
    return for_user(torch.full(tuple(source.shape), fill, dtype=_dtype(dtype) or source.dtype))


def zeros_like(a, dtype=None):
    return _like(a, dtype, 0)


def ones_like(a, dtype=None):
    return _like(a, dtype, 1)


def empty_like(a, dtype=None):
    return _like(a, dtype, 0)


def full_like(a, fill_value, dtype=None):
    return _like(a, dtype, fill_value)


def eye(N, M=None, k=0, dtype=float):  # noqa: N803 - NumPy's argument names
    return for_user(torch.as_tensor(np.eye(int(N), None if M is None else int(M), int(k))).to(_dtype(dtype)))


def identity(n, dtype=float):
    return eye(n, dtype=dtype)


def arange(start, stop=None, step=1, dtype=None):
    """NumPy's arange: int64 for integer bounds, float64 once any bound is a float."""
    if stop is None:
        start, stop = 0, start
    bounds = [v.item() if isinstance(v, torch.Tensor) else v for v in (start, stop, step)]
    if bounds[2] == 0:
        raise ValueError("tf.experimental.numpy.arange: step must not be zero")
    out = torch.as_tensor(np.arange(*bounds))
    return for_user(out if dtype is None else out.to(_dtype(dtype)))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=float, axis=0):
    values, step = np.linspace(np.asarray(start), np.asarray(stop), int(num), endpoint=endpoint, retstep=True,
                               axis=axis)
    out = for_user(torch.as_tensor(values).to(_dtype(dtype) or torch.float64))
    return (out, step) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    values = np.logspace(np.asarray(start), np.asarray(stop), int(num), endpoint=endpoint, base=base, axis=axis)
    return for_user(torch.as_tensor(values).to(_dtype(dtype) or torch.float64))


def geomspace(start, stop, num=50, endpoint=True, dtype=float, axis=0):
    values = np.geomspace(np.asarray(start), np.asarray(stop), int(num), endpoint=endpoint, axis=axis)
    return for_user(torch.as_tensor(values).to(_dtype(dtype) or torch.float64))


def copy(a):
    return for_user(asarray(a).clone())


def ndim(a):
    return asarray(a).dim()


def shape(a):
    return tuple(asarray(a).shape)


def size(a, axis=None):
    value = asarray(a)
    return value.numel() if axis is None else value.shape[axis]


def isscalar(num):
    return isinstance(num, (int, float, complex, bool, np.generic)) or (
        isinstance(num, torch.Tensor) and num.dim() == 0)


def finfo(dtype):
    return np.finfo(str(_dtype(dtype)).replace("torch.", ""))


def iinfo(dtype):
    return np.iinfo(str(_dtype(dtype)).replace("torch.", ""))


def result_type(*arrays_and_dtypes):
    parts = [np.asarray(asarray(x).cpu().numpy()) if not isinstance(x, (torch.dtype, type, str, np.dtype))
             else np.dtype(str(_dtype(x)).replace("torch.", "")) for x in arrays_and_dtypes]
    return to_torch_dtype(np.result_type(*parts).name)


def experimental_enable_numpy_behavior(prefer_float32=False, dtype_conversion_mode="legacy"):
    """A no-op: tkeras' tensors are torch tensors, which already take NumPy-style methods and indexing."""
    return None


def _float_reduction(name):
    """NumPy's mean/std/var of integers are float64 (keras.ops gives float32)."""
    def reduce(a, axis=None, *args, **kwargs):
        value = asarray(a)
        if not value.dtype.is_floating_point and not value.dtype.is_complex:
            value = value.to(torch.float64)
        return getattr(_ops, name)(value, axis, *args, **kwargs)
    reduce.__name__ = name
    return reduce


mean, std, var = _float_reduction("mean"), _float_reduction("std"), _float_reduction("var")


def where(condition, x=None, y=None):
    """Python scalars and lists take NumPy's dtypes (int64, float64), as in the rest of tnp."""
    if x is None and y is None:
        return _ops.nonzero(asarray(condition))
    return _ops.where(asarray(condition), asarray(x), asarray(y))


def argmax(a, axis=None, keepdims=False):
    """NumPy's indices are int64."""
    return for_user(_ops.argmax(asarray(a), axis, keepdims=keepdims).to(torch.int64))


def argmin(a, axis=None, keepdims=False):
    return for_user(_ops.argmin(asarray(a), axis, keepdims=keepdims).to(torch.int64))


def _positive(x):
    return for_user(asarray(x).clone())


# tnp names whose keras.ops function carries another name.
_RENAMED = {"around": "round", "remainder": "mod", "fix": "trunc", "flatten": "ravel", "positive": None,
            "float_power": "power"}
# The rest of TensorFlow 2.21's tnp names that keras.ops provides under the same name.
_FROM_OPS = {
    "abs", "absolute", "add", "all", "allclose", "amax", "amin", "angle", "any", "append", "arccos", "arccosh",
    "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "argmax", "argmin", "argsort", "average", "bitwise_and",
    "bitwise_not", "bitwise_or", "bitwise_xor", "broadcast_to", "cbrt", "ceil", "clip", "concatenate", "conj",
    "conjugate", "cos", "cosh", "count_nonzero", "cross", "cumprod", "cumsum", "deg2rad", "diag", "diagflat",
    "diagonal", "diff", "divide", "dot", "dsplit", "dstack", "einsum", "equal", "exp", "exp2", "expand_dims",
    "expm1", "fabs", "flip", "fliplr", "flipud", "floor", "floor_divide", "gcd", "greater", "greater_equal",
    "heaviside", "hsplit", "hstack", "hypot", "imag", "inner", "isclose", "isfinite", "isinf", "isnan",
    "isneginf", "isposinf", "isreal", "kron", "lcm", "less", "less_equal", "log", "log10", "log1p", "log2",
    "logaddexp", "logaddexp2", "logical_and", "logical_not", "logical_or", "logical_xor", "matmul", "max",
    "maximum", "mean", "meshgrid", "min", "minimum", "mod", "moveaxis", "multiply", "nanmean", "nanprod",
    "nansum", "negative", "nextafter", "nonzero", "not_equal", "outer", "pad", "power", "prod", "ptp",
    "rad2deg", "ravel", "real", "reciprocal", "repeat", "reshape", "roll", "rot90", "round", "select", "sign",
    "signbit", "sin", "sinc", "sinh", "sort", "split", "sqrt", "square", "squeeze", "stack", "std", "subtract",
    "sum", "swapaxes", "take", "take_along_axis", "tan", "tanh", "tensordot", "tile", "trace", "transpose",
    "tri", "tril", "triu", "true_divide", "vander", "var", "vdot", "vsplit", "vstack", "where",
}


def __getattr__(name):
    if name == "ndarray":
        return _ndarray_class()
    if name == "random":
        from tkeras.compat.tf_namespace.experimental import numpy_random
        return numpy_random
    if name == "positive":
        return _positive
    target = _RENAMED.get(name, name if name in _FROM_OPS else None)
    if target is not None and hasattr(_ops, target):
        return getattr(_ops, target)
    if name.startswith("__"):
        raise AttributeError(name)
    raise unsupported(f"tf.experimental.numpy.{name}")


def __dir__():
    return sorted(set(globals()) | _FROM_OPS | set(_RENAMED) | {"ndarray", "random"})
