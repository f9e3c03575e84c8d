"""The TensorFlow-like face of eager results: `tf.Tensor(..., shape=(2, 2), dtype=float32)`.

Tutorial code written for TensorFlow prints tensors, calls `.numpy()` on results that still carry
gradient history, formats them with f-strings and mixes them with NumPy arrays. A plain torch tensor
does none of that the TensorFlow way, so results handed to user code (outside fit/evaluate/predict)
are viewed as `EagerTensor`, a torch.Tensor subclass sharing storage and autograd history with the
plain tensor (`as_subclass` costs about a microsecond).

The subclass is deliberately contagious only at user level: inside a layer's `call` (call depth > 0)
and inside the training loops, torch functions applied to an EagerTensor return plain tensors, so
layers and the training loop never pay for `__torch_function__` more than once per call.
"""
import numpy as np
import torch

from tkeras.backend import reversed_slices
from tkeras.backend.context import CALL_CONTEXT

_NO_WRAP = torch.overrides.get_default_nowrap_functions()
_DISABLE = torch._C.DisableTorchFunctionSubclass


class TensorShape(tuple):
    """A shape that prints as a tuple, `(128, 512)`, and compares equal to tuples and torch.Size."""

    def __new__(cls, dims=()):
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):
        return tuple.__repr__(tuple(self))

    def __getitem__(self, key):
        value = tuple.__getitem__(self, key)
        return TensorShape(value) if isinstance(key, slice) else value

    @property
    def rank(self):
        return len(self)

    ndims = rank

    def as_list(self):
        return list(self)

    def numel(self):
        return int(np.prod(self)) if self else 1

    def num_elements(self):
        return None if any(d is None for d in self) else self.numel()

    def is_fully_defined(self):
        return all(d is not None for d in self)


def get_shape(tensor):
    """TensorFlow's `tensor.get_shape()`: the shape as a TensorShape (`.as_list()`, `.rank`)."""
    return TensorShape(tuple(torch.Tensor.shape.__get__(tensor)))


def set_shape(tensor, shape):
    """TensorFlow's static-shape hint. A torch tensor's shape is always known, so this only checks that
    `shape` (None dims free; None for no constraint) agrees with it, raising ValueError otherwise."""
    if shape is None:
        return
    wanted = tuple(None if d is None else int(d) for d in shape)
    actual = tuple(torch.Tensor.shape.__get__(tensor))
    if len(wanted) != len(actual) or any(w is not None and w != a for w, a in zip(wanted, actual)):
        raise ValueError(f"Tensor's shape {actual} is not compatible with supplied shape {wanted}.")


def numpy_text(array, is_repr):
    """TensorFlow's value text: NumPy's str/repr, moved to its own line when it spans several; a scalar's
    repr is its Python value's (`numpy=0.0`, `numpy=True`), as TensorFlow prints it."""
    if is_repr:
        text = repr(array.item()) if array.ndim == 0 and array.dtype.kind != "O" else repr(array)
    else:
        text = str(array)
    return "\n" + text if "\n" in text else text


def dtype_text(dtype):
    return str(dtype).replace("torch.", "")


def _from_numpy(value, like):
    """A NumPy operand as a tensor next to `like` (torch's operators refuse ndarrays).

    A float64 array meeting a float32 tensor keeps the tensor's precision, as TensorFlow converts
    Python/NumPy operands to the tensor's dtype.
    """
    with _DISABLE():
        other = torch.from_numpy(np.require(value, requirements="C"))  # 0-d stays 0-d (ascontiguousarray: (1,))
        if like.is_floating_point() and other.is_floating_point() and other.dtype != like.dtype:
            other = other.to(like.dtype)
        if other.device != like.device:
            other = other.to(like.device)
    return other


def _from_sequence(values, like):
    """A Python list/tuple operand (`[n] - t`, `t + [1, 2]`) as TensorFlow converts it: in the tensor's
    dtype when the values fit it (ints into any number dtype, floats into a float one), otherwise with
    Python's defaults (float32 floats, int32 ints); None for values that are not numbers."""
    array = np.asarray(values)
    kind = array.dtype.kind
    if kind not in "biuf":
        return None
    fits = (kind == "b" and like.dtype == torch.bool) or (kind in "iu" and like.dtype != torch.bool) or (
        kind == "f" and (like.is_floating_point() or like.is_complex()))
    if fits:
        target = like.dtype
    else:
        target = {"f": torch.float32, "i": torch.int32}.get(kind)
    with _DISABLE():
        other = torch.as_tensor(array, device=like.device)
        return other if target is None or other.dtype == target else other.to(target)


_CONVERTED_OPERANDS = (np.ndarray, np.generic, list, tuple)


def _binary(name):
    method = getattr(torch.Tensor, name)

    def operator(self, other):
        if isinstance(other, _CONVERTED_OPERANDS):
            if isinstance(other, (np.ndarray, np.generic)):
                other = _from_numpy(other, self)
            else:
                other = _from_sequence(other, self)
                if other is None:
                    return NotImplemented
        return method(self, other)

    operator.__name__ = name
    return operator


def _numpy_aware(name):
    """`t.mean()` as torch has it, but `np.mean(t)` as NumPy has it.

    NumPy's reductions (np.mean, np.sum, np.std, np.argmax, ...) hand any object that has a method of
    that name over to it, with NumPy's keywords (`axis=`, `out=`, `ddof=`); torch's methods reject
    those. NumPy always passes `out=`, torch code never does, so `out` tells the two apart; the NumPy
    call then gets NumPy's answer on the tensor's values, as it does for a TensorFlow tensor.
    """
    torch_method = getattr(torch.Tensor, name)

    def method(self, *args, **kwargs):
        if "out" in kwargs:
            return getattr(np.asarray(self), name)(*args, **kwargs)
        return torch_method(self, *args, **kwargs)

    method.__name__ = name
    return method


_NUMPY_REDUCTIONS = ("mean", "sum", "prod", "max", "min", "std", "var", "any", "all", "argmax", "argmin",
                     "cumsum", "cumprod", "round", "clip")


def _as_arrays(value):
    """Tensors (also inside lists and tuples) as NumPy arrays; anything else unchanged. A variable's
    array is a snapshot (as its `numpy()`), so `np.squeeze(v)` does not follow later assignments."""
    if isinstance(value, torch.Tensor):
        with _DISABLE():
            array = torch.Tensor.numpy(value.detach().cpu())
        return array.copy() if isinstance(value, torch.nn.Parameter) else array
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(_as_arrays(v) for v in value)
    return value


def numpy_array_function(self, func, types, args, kwargs):
    """`np.squeeze(t)`, `np.size(t)`, `np.concatenate([t, t])`: NumPy's functions see a TensorFlow tensor
    or a Keras variable as an array and give NumPy results; without this they would call the tensor's
    same-named torch method and hand back a tensor (which `np.random.choice(p=...)` then mistrusts) or
    a bound method (`np.size`)."""
    return func(*_as_arrays(args), **{key: _as_arrays(value) for key, value in kwargs.items()})


numpy_array_function.__name__ = "__array_function__"  # (tf.Variable copies EagerTensor's dunders by name)


def numpy_array_wrap(self, array, context=None, return_scalar=False):
    """`np.exp(t)`: NumPy's ufuncs on a tensor give a NumPy array, as they do on TensorFlow's tensors."""
    return array[()] if return_scalar else array


def add_numpy_protocol(cls):
    """Give `cls` (a torch.Tensor subclass) NumPy-compatible functions, reductions and ufunc results."""
    for name in _NUMPY_REDUCTIONS:
        setattr(cls, name, _numpy_aware(name))
    cls.__array_wrap__ = numpy_array_wrap
    cls.__array_function__ = numpy_array_function
    return cls


def _host_array(tensor):
    """The tensor's values as a NumPy array, 0-d for a scalar (printing shows arrays' text)."""
    with _DISABLE():
        return torch.Tensor.numpy(tensor.detach().cpu())


@add_numpy_protocol
class EagerTensor(torch.Tensor):
    """A torch tensor that prints, converts and behaves like TensorFlow's eager tensor."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        with _DISABLE():
            result = func(*args, **(kwargs or {}))
        if func in _NO_WRAP or CALL_CONTEXT.depth or CALL_CONTEXT.raw:
            return result
        return _wrap_result(result)

    # -- TensorFlow's accessors -------------------------------------------------------------------
    @property
    def shape(self):
        with _DISABLE():
            return TensorShape(torch.Tensor.shape.__get__(self))

    def get_shape(self):
        return get_shape(self)

    def set_shape(self, shape):
        set_shape(self, shape)

    def numpy(self):
        """A scalar tensor gives a NumPy scalar (`np.float32(1.5)`), as TensorFlow's does: code such as
        `label.numpy().astype("int")` then holds a number, not a 0-d array.

        The array is the caller's own copy, as TensorFlow's is: code that edits it in place
        (`img = t.numpy(); img /= 2.0`, Deep Learning with Python's deprocess_image) must leave the
        tensor as it was. A tensor on another device is copied to the host anyway."""
        array = _host_array(self)
        if array.ndim == 0:
            return array[()]
        with _DISABLE():
            on_host = torch.Tensor.device.__get__(self).type == "cpu"
        return array.copy() if on_host else array

    def __array__(self, dtype=None, copy=None):
        array = _host_array(self)  # (tf.Variable borrows this: its numpy() is a snapshot)
        return array.astype(dtype, copy=False) if dtype is not None else array

    def item(self):
        with _DISABLE():
            return torch.Tensor.item(self.detach())

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        return int(self.item())

    def __format__(self, spec):
        """`f"{t}"` / `"{}".format(t)` show the values as NumPy prints them, as TensorFlow's tensors do
        (`print("Targets: {}".format(targets))` prints `[70.7 72.9 ...]`); str() and print(t) keep the
        `tf.Tensor(...)` wrapper."""
        if self.dim() == 0:
            return format(self.numpy().item(), spec)
        return format(self.numpy(), spec)

    def __getitem__(self, key):
        """NumPy's and TensorFlow's negative slice steps (`rewards[::-1]`), which torch refuses."""
        if reversed_slices.has_negative_step(key):
            return wrap(reversed_slices.getitem(self.as_subclass(torch.Tensor), key))
        return torch.Tensor.__getitem__(self, key)

    def __setitem__(self, key, value):
        raise TypeError(f"'{type(self).__name__}' object does not support item assignment: tensors are "
                        f"immutable; use a tf.Variable and v[...].assign(value), or build a new tensor "
                        f"(e.g. with tf.where)")

    def __str__(self):
        return (f"tf.Tensor({numpy_text(_host_array(self), False)}, shape={self.shape}, "
                f"dtype={dtype_text(self.dtype)})")

    def __repr__(self):
        return (f"<tf.Tensor: shape={self.shape}, dtype={dtype_text(self.dtype)}, "
                f"numpy={numpy_text(_host_array(self), True)}>")

    # Arithmetic with NumPy or Python list operands on either side (torch's operators refuse both).
    __add__ = _binary("__add__")
    __radd__ = _binary("__radd__")
    __sub__ = _binary("__sub__")
    __rsub__ = _binary("__rsub__")
    __mul__ = _binary("__mul__")
    __rmul__ = _binary("__rmul__")
    __truediv__ = _binary("__truediv__")
    __rtruediv__ = _binary("__rtruediv__")
    __floordiv__ = _binary("__floordiv__")
    __rfloordiv__ = _binary("__rfloordiv__")
    __mod__ = _binary("__mod__")
    __rmod__ = _binary("__rmod__")
    __pow__ = _binary("__pow__")
    __rpow__ = _binary("__rpow__")
    __matmul__ = _binary("__matmul__")
    __rmatmul__ = _binary("__rmatmul__")
    __lt__ = _binary("__lt__")
    __le__ = _binary("__le__")
    __gt__ = _binary("__gt__")
    __ge__ = _binary("__ge__")
    __eq__ = _binary("__eq__")
    __ne__ = _binary("__ne__")
    __hash__ = torch.Tensor.__hash__

    # TensorFlow tensors are immutable: `img += step` binds a new tensor and leaves the old one (and any
    # other name for it, or a watched input of a GradientTape) unchanged. torch would write in place.
    __iadd__ = __add__
    __isub__ = __sub__
    __imul__ = __mul__
    __itruediv__ = __truediv__
    __ifloordiv__ = __floordiv__
    __imod__ = __mod__
    __ipow__ = __pow__
    __imatmul__ = __matmul__


class VariableSlice(EagerTensor):
    """`v[0, 0]` of a Variable: reads like a tensor, and `.assign(x)` writes into the variable."""

    def _write(self, value, combine=None):
        variable, key = self.__dict__["_slice_of"]
        with torch.no_grad():
            if isinstance(value, torch.Tensor):
                value = value.detach().to(device=variable.device, dtype=variable.dtype)
            else:
                value = torch.as_tensor(np.asarray(value), dtype=variable.dtype, device=variable.device)
            if combine is not None:
                value = combine(torch.Tensor.__getitem__(variable, key), value)
            torch.Tensor.__setitem__(variable, key, value)
        return variable

    def assign(self, value):
        return self._write(value)

    def assign_add(self, delta):
        return self._write(delta, torch.add)

    def assign_sub(self, delta):
        return self._write(delta, torch.sub)


def wrap(tensor):
    """A plain torch tensor as an EagerTensor (same storage, autograd history and Keras attributes)."""
    wrapped = tensor.as_subclass(EagerTensor)
    extra = tensor.__dict__
    if extra:  # Keras bookkeeping (_keras_mask, _keras_logits for fused losses) stays with the tensor
        wrapped.__dict__.update(extra)
    return wrapped


def slice_of_variable(result, variable, key):
    view = result.as_subclass(VariableSlice)
    view.__dict__["_slice_of"] = (variable, key)
    return view


def _wrap_result(result):
    if type(result) is torch.Tensor:
        return wrap(result)
    if isinstance(result, (list, tuple)) and not hasattr(result, "_fields"):
        return type(result)(_wrap_result(r) for r in result)
    return result


def wrap_structure(value):
    """Wrap every plain tensor in a (possibly nested) output; other values pass through."""
    if type(value) is torch.Tensor:
        return wrap(value)
    if isinstance(value, dict):
        return {k: wrap_structure(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(wrap_structure(v) for v in value)
    return value
