"""Tensor conversion and creation for `tkeras.ops` and the `tf.*` spellings.

Every op takes what tutorials pass (NumPy arrays, Python numbers and lists, torch tensors, Variables)
and returns a torch tensor; in user code (outside any layer call and outside fit/evaluate/predict) the
result is shown as an EagerTensor, inside layers it stays a plain tensor so the training loop pays
nothing for the TensorFlow face.
"""
import builtins
import functools

import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.context import CALL_CONTEXT
from tkeras.backend.eager_tensor import TensorShape, wrap_structure
from tkeras.backend.keras_tensor import SYMBOLIC_OPS, KerasTensor, has_keras_tensor, record_op
from tkeras.ops.text import is_string_dtype, is_text, text_shape, text_tensor


def for_user(value):
    """The op's result as user code should see it (an EagerTensor at top level)."""
    if CALL_CONTEXT.depth or CALL_CONTEXT.raw:
        return value
    return wrap_structure(value)


def user_op(fn):
    """Decorator: run the op on torch tensors, present the result for user code.

    Called on KerasTensors (functional code), the op is recorded in the graph as an op layer instead.
    """
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if KerasTensor._created and has_keras_tensor(args, kwargs):
            return record_op(op, args, kwargs)
        return for_user(fn(*args, **kwargs))
    op.is_symbolic_op = True
    SYMBOLIC_OPS.append(op)
    return op


def to_torch_dtype(dtype):
    return None if dtype is None else config.standardize_dtype(dtype)


def tensor(value, dtype=None):
    """Anything array-like -> a torch tensor on tkeras' device (the workhorse of every op).

    Python floats and lists of floats become floatx (float32), as in TensorFlow and Keras; NumPy arrays
    keep their dtype; Python ints become int32 as in TensorFlow.
    """
    dtype = to_torch_dtype(dtype)
    if isinstance(value, torch.Tensor):
        return value if dtype is None or value.dtype == dtype else value.to(dtype)
    if isinstance(value, (list, tuple)) and value and any(isinstance(v, torch.Tensor) for v in _leaves(value)):
        return torch.stack([tensor(v, dtype) for v in value])
    array = np.asarray(value)
    if array.dtype == object or array.dtype.kind in "USV":
        raise TypeError(f"Cannot convert {type(value).__name__} value {value!r:.60} to a tensor: expected numbers, "
                        f"lists of numbers, NumPy arrays or tensors")
    if dtype is None and not isinstance(value, (np.ndarray, np.generic)) and not carries_numpy_dtype(value):
        if array.dtype == np.float64:  # (a dtype given: full precision)
            array = array.astype(config.floatx())
        elif array.dtype == np.int64:
            array = array.astype(np.int32)
    # np.require, not np.ascontiguousarray: the latter turns a 0-d array (tf.constant(3.0)) into shape (1,).
    # "W": a read-only array (an image from PIL's np.asarray, a broadcast view) is copied, since torch warns
    # about sharing memory it may not write; writable arrays are shared as before.
    result = torch.from_numpy(np.require(array, requirements="CW")) if array.dtype != np.uint16 else torch.as_tensor(
        array.astype(np.int32))
    if dtype is not None:
        result = result.to(dtype)
    device = config.device()
    return result if result.device == device else result.to(device)


def carries_numpy_dtype(value):
    """pandas Series and DataFrames (and other array-likes with NumPy dtypes) keep them, as NumPy arrays do
    in TensorFlow and Keras: `tf.convert_to_tensor(dataframe)` of int and float columns is float64. Only
    Python numbers and lists take the 32-bit defaults."""
    if not hasattr(value, "__array__"):
        return False
    return isinstance(getattr(value, "dtype", None), np.dtype) or hasattr(value, "dtypes")


def _leaves(values):
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _leaves(v)
        else:
            yield v


@user_op
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None, dtype_hint=None, name=None):
    if dtype is None and dtype_hint is not None and not isinstance(x, torch.Tensor):
        dtype = dtype_hint
    if isinstance(x, torch.nn.Parameter) and dtype is None:
        return x.view_as(x)  # a read of the variable: a tensor, still differentiable w.r.t. it
    if not isinstance(x, torch.Tensor) and (is_text(x) or is_string_dtype(dtype)):
        return text_tensor(x)
    return tensor(x, dtype)


@user_op
def constant(value, dtype=None, shape=None, name=None):
    """An immutable tensor. With `shape`, a scalar value is broadcast (TensorFlow's `tf.constant(0., shape=...)`)."""
    result = tensor(value, dtype)
    if isinstance(value, torch.Tensor):
        result = result.detach().clone()
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        if result.numel() == 1:
            result = result.reshape(()).expand(shape).clone()
        elif result.numel() == int(np.prod(shape)):
            result = result.reshape(shape)
        else:
            raise TypeError(f"constant: a value with {result.numel()} elements cannot have shape {shape}")
    return result


def _shape(shape):
    if isinstance(shape, torch.Tensor):
        shape = shape.tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _float_default(dtype):
    return to_torch_dtype(dtype) or config.standardize_dtype(None)


@user_op
def ones(shape, dtype=None, name=None):
    return torch.ones(_shape(shape), dtype=_float_default(dtype), device=config.device())


@user_op
def zeros(shape, dtype=None, name=None):
    return torch.zeros(_shape(shape), dtype=_float_default(dtype), device=config.device())


def _array_fill(fill_value):
    """An array-like fill value as a tensor (broadcast over the shape, as NumPy); None for a plain number."""
    if isinstance(fill_value, (torch.Tensor, np.ndarray, list, tuple)):
        return tensor(fill_value)
    return None


@user_op
def full(shape, fill_value, dtype=None):
    values = _array_fill(fill_value)
    if values is not None:
        values = values.to(device=config.device(), dtype=to_torch_dtype(dtype) or values.dtype)
        return torch.broadcast_to(values, _shape(shape)).clone()
    return torch.full(_shape(shape), fill_value, dtype=_float_default(dtype), device=config.device())


def fill(dims, value, name=None):
    """TensorFlow's spelling of `full`; the dtype follows the value (a Python int gives int32)."""
    return full(dims, value, dtype=tensor(value).dtype)


@user_op
def ones_like(x, dtype=None, name=None):
    return torch.ones_like(tensor(x), dtype=to_torch_dtype(dtype))


@user_op
def zeros_like(x, dtype=None, name=None):
    return torch.zeros_like(tensor(x), dtype=to_torch_dtype(dtype))


@user_op
def full_like(x, fill_value, dtype=None):
    x = tensor(x)
    values = _array_fill(fill_value)
    if values is not None:
        values = values.to(device=x.device, dtype=to_torch_dtype(dtype) or x.dtype)
        return torch.broadcast_to(values, x.shape).clone()
    return torch.full_like(x, fill_value, dtype=to_torch_dtype(dtype))


@user_op
def eye(N, M=None, k=0, dtype=None, num_columns=None, batch_shape=None, name=None):
    columns = M if M is not None else (num_columns if num_columns is not None else N)
    result = torch.zeros((int(N), int(columns)), dtype=_float_default(dtype), device=config.device())
    result.diagonal(offset=int(k)).fill_(1)
    if batch_shape:
        result = result.expand(tuple(batch_shape) + result.shape).clone()
    return result


@user_op
def arange(start, stop=None, step=None, dtype=None):
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    values = [start, stop, step]
    if dtype is None:  # NumPy float scalars (np.float32(1.5)) count as floats too
        floating = any(isinstance(v, (float, np.floating)) or (isinstance(v, torch.Tensor) and v.is_floating_point())
                       for v in values)
        dtype = config.floatx() if floating else "int32"
    values = [v.item() if isinstance(v, (torch.Tensor, np.generic)) else v for v in values]
    start, stop, step = values
    if step == 0:
        raise ValueError("arange: argument 'step' must not be zero")
    if (stop - start) * step <= 0:  # an empty range, as NumPy (torch raises on the sign mismatch)
        return torch.zeros((0,), dtype=to_torch_dtype(dtype), device=config.device())
    return torch.arange(start, stop, step, dtype=to_torch_dtype(dtype), device=config.device())


def range(start, limit=None, delta=1, dtype=None, name=None):  # noqa: A001 - TensorFlow's name
    """TensorFlow's `tf.range(start, limit, delta)`."""
    return arange(start, limit, delta, dtype=dtype)


def evenly_spaced(start, stop, num, endpoint, axis):
    """(values, step, input float dtype or None) in float64: `num` points from start to stop along `axis`;
    array `start`/`stop` broadcast against each other, as NumPy's linspace."""
    num = int(num)
    if num < 0:
        raise ValueError(f"linspace: argument 'num' must be non-negative, received {num}")
    ends = [torch.tensor(float(v), dtype=torch.float64) if isinstance(v, (int, float, np.generic)) else tensor(v)
            for v in (start, stop)]  # Python numbers in full precision
    floats = [t.dtype for t in ends if t.is_floating_point() and t.dim() > 0]
    first, last = (t.to(device=config.device(), dtype=torch.float64) for t in ends)
    first, last = torch.broadcast_tensors(first, last)
    divisions = builtins.max(num - 1 if endpoint else num, 1)
    step = (last - first) / divisions
    fractions = torch.arange(num, device=first.device, dtype=torch.float64).reshape((-1,) + (1,) * first.dim())
    values = first + fractions * step
    if endpoint and num > 1:
        values[-1] = last  # the end point exactly
    if first.dim():
        values = torch.movedim(values, 0, int(axis))
    return values, step, (builtins.max(floats, key=lambda d: torch.finfo(d).bits) if floats else None)


@user_op
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    values, step, input_float = evenly_spaced(start, stop, num, endpoint, axis)
    target = to_torch_dtype(dtype) or input_float or _float_default(None)
    result = values.to(target) if target.is_floating_point else torch.floor(values).to(target)
    if retstep:
        return result, step.to(target if target.is_floating_point else _float_default(None))
    return result


@user_op
def cast(x, dtype, name=None):
    if not isinstance(x, torch.Tensor):
        if hasattr(x, "with_values") and hasattr(x, "dense_shape"):  # a SparseTensor stays sparse, as in TF
            return x.with_values(cast(x.values, dtype))
        if hasattr(x, "with_flat_values"):  # so does a RaggedTensor
            return x.with_flat_values(cast(x.flat_values, dtype))
        if is_string_dtype(dtype) and is_text(x):
            return x  # text to "string": nothing to change
    x, target = tensor(x), to_torch_dtype(dtype)
    if x.is_complex() and not target.is_complex:
        x = x.real  # TensorFlow keeps the real part, silently (torch would warn on every call)
    return x.to(target)


def shape(x):
    """Keras 3's `ops.shape`: a tuple (with the batch size as a number)."""
    if hasattr(x, "shape") and not isinstance(x, (np.ndarray, torch.Tensor)):
        return tuple(x.shape)  # KerasTensor
    return TensorShape(dims_of(x))


def dims_of(x):
    """The shape of a tensor, array or text as a tuple of ints."""
    if type(x) is not torch.Tensor and is_text(x):
        return text_shape(x)
    return tuple(tensor(x).shape)


def ndim(x):
    return len(shape(x))


@user_op
def size(x, out_type=None, name=None):
    return torch.tensor(int(np.prod(dims_of(x))), dtype=to_torch_dtype(out_type) or torch.int32)


@user_op
def stop_gradient(variable, name=None):
    return tensor(variable).detach()


@user_op
def identity(x, name=None):
    return tensor(x).clone()


def convert_to_numpy(x):
    if isinstance(x, torch.nn.Parameter):  # a Variable: a snapshot, not a view later updates would change
        return x.detach().cpu().numpy().copy()
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)
