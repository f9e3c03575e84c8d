"""`tf.TensorArray`: a growable list of same-typed tensors, as TensorFlow runs it eagerly.

tkeras is always eager, so the array is a Python list of torch tensors that `write` fills in place
(and returns, so `ta = ta.write(i, x)` in a `tf.function`-style loop works). Elements keep their autograd
history, so `stack()` inside a GradientTape is differentiable. Reading follows eager TensorFlow: with
`clear_after_read` an element reads back as zeros the second time, unwritten elements of a known shape
stack as zeros, and out-of-range indices raise tf.errors.OutOfRangeError.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.eager_tensor import TensorShape, wrap
from tkeras.compat.tf_namespace import errors


def _op_error(cls, message, op):
    return errors.op_error(cls, message, op)


def _indices(value, argument):
    array = np.asarray(value.detach().cpu() if isinstance(value, torch.Tensor) else value)
    if array.dtype.kind not in "iu":
        raise TypeError(f"TensorArray: `{argument}` must hold integers, received dtype {array.dtype}")
    return [int(i) for i in array.reshape(-1)]


class TensorArray:
    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None, tensor_array_name=None,
                 handle=None, flow=None, infer_shape=True, element_shape=None, colocate_with_first_write_call=True,
                 name=None):
        if dtype is None:
            raise TypeError("TensorArray: `dtype` is required")
        self._dtype = config.standardize_dtype(dtype)
        if size is None and not dynamic_size:
            raise ValueError("TensorArray: `size` must be given unless dynamic_size=True")
        size = int(size.item() if isinstance(size, torch.Tensor) else (size or 0))
        if size < 0:
            raise ValueError(f"TensorArray: `size` must be >= 0, received {size}")
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = bool(infer_shape)
        self._element_shape = None if element_shape is None else TensorShape(
            list(element_shape) if not isinstance(element_shape, int) else [element_shape])
        self._elements = [None] * size

    # -- properties ----------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self):
        return self._dynamic_size

    @property
    def element_shape(self):
        return self._element_shape if self._element_shape is not None else TensorShape([])

    @property
    def handle(self):
        return self

    @property
    def flow(self):
        return self

    def size(self, name=None):
        return wrap(torch.tensor(len(self._elements), dtype=torch.int32))

    # -- writing ----------------------------------------------------------------------------
    def _value(self, value):
        if isinstance(value, torch.Tensor):
            tensor = value if type(value) is torch.Tensor else value.as_subclass(torch.Tensor)
            if tensor.dtype != self._dtype:
                if tensor.is_floating_point() and not (self._dtype.is_floating_point or self._dtype.is_complex):
                    raise _op_error(errors.InvalidArgumentError, f"TensorArray dtype is {self._dtype} but op has "
                                    f"dtype {tensor.dtype}", "TensorArrayWrite")
                tensor = tensor.to(self._dtype)
            return tensor
        array = np.asarray(value)
        if array.dtype.kind == "f" and not (self._dtype.is_floating_point or self._dtype.is_complex):
            raise _op_error(errors.InvalidArgumentError, f"Cannot convert {value!r} to EagerTensor of dtype "
                            f"{self._dtype}", "TensorArrayWrite")
        return torch.as_tensor(array).to(device=config.device(), dtype=self._dtype)

    def _check_shape(self, tensor):
        shape = TensorShape(tensor.shape)
        if self._element_shape is not None:
            expected = self._element_shape
            if len(expected) != len(shape) or any(e is not None and e != s for e, s in zip(expected, shape)):
                raise ValueError(f"Incompatible shape for value ({list(shape)}), expected ({list(expected)})")
        if self._infer_shape and (self._element_shape is None or not self._element_shape.is_fully_defined()):
            self._element_shape = shape

    def _check_write_index(self, index, op):
        if index < 0:
            raise _op_error(errors.InvalidArgumentError, f"Tried to write to index {index} but index is negative",
                            op)
        if index >= len(self._elements):
            if not self._dynamic_size:
                raise _op_error(errors.OutOfRangeError, f"Tried to write to index {index} but array is not "
                                f"resizeable and size is: {len(self._elements)}", op)
            self._elements.extend([None] * (index + 1 - len(self._elements)))

    def write(self, index, value, name=None):
        index = int(index.item() if isinstance(index, torch.Tensor) else index)
        tensor = self._value(value)
        self._check_write_index(index, "TensorArrayWrite")
        self._check_shape(tensor)
        self._elements[index] = tensor
        return self

    def unstack(self, value, name=None):
        tensor = self._value(value)
        if tensor.dim() == 0:
            raise ValueError("TensorArray.unstack: `value` must have rank >= 1")
        return self.scatter(list(range(tensor.shape[0])), tensor)

    def scatter(self, indices, value, name=None):
        positions = _indices(indices, "indices")
        tensor = self._value(value)
        if tensor.dim() == 0 or tensor.shape[0] != len(positions):
            raise ValueError(f"TensorArray.scatter: `value` must have {len(positions)} rows (one per index), "
                             f"received shape {list(tensor.shape)}")
        for i, position in enumerate(positions):
            self._check_write_index(position, "TensorArrayScatter")
            self._check_shape(tensor[i])
            self._elements[position] = tensor[i]
        return self

    # -- reading ----------------------------------------------------------------------------
    def _zeros(self):
        if self._element_shape is None or not self._element_shape.is_fully_defined():
            raise _op_error(errors.InvalidArgumentError, "TensorArray has an unwritten element and no fully "
                            "defined element_shape to fill it with", "TensorArrayRead")
        return torch.zeros(tuple(self._element_shape), dtype=self._dtype, device=config.device())

    def _element(self, index, op):
        if not 0 <= index < len(self._elements):
            raise _op_error(errors.OutOfRangeError, f"Tried to read from index {index} but array size is: "
                            f"{len(self._elements)}", op)
        element = self._elements[index]
        return self._zeros() if element is None else element

    def read(self, index, name=None):
        index = int(index.item() if isinstance(index, torch.Tensor) else index)
        value = self._element(index, "TensorArrayRead")
        if self._clear_after_read:
            self._elements[index] = None
        return wrap(value)

    def gather(self, indices, name=None):
        elements = [self._element(i, "TensorArrayGather") for i in _indices(indices, "indices")]
        if not elements:
            return wrap(torch.zeros((0,) + tuple(self._element_shape or ()), dtype=self._dtype))
        return wrap(torch.stack(elements))

    def stack(self, name=None):
        if not self._elements:
            shape = tuple(self._element_shape) if self._element_shape is not None and \
                self._element_shape.is_fully_defined() else ()
            return wrap(torch.zeros((0,) + shape, dtype=self._dtype, device=config.device()))
        return self.gather(list(range(len(self._elements))))

    def concat(self, name=None):
        elements = [self._element(i, "TensorArrayConcat") for i in range(len(self._elements))]
        if not elements:
            return wrap(torch.zeros((0,), dtype=self._dtype, device=config.device()))
        if any(e.dim() == 0 for e in elements):
            raise ValueError("TensorArray.concat: elements must have rank >= 1")
        return wrap(torch.cat(elements))

    def identity(self):
        """A second array with the same elements; writes to either no longer affect the other."""
        copy = TensorArray.__new__(TensorArray)
        copy.__dict__.update(self.__dict__)
        copy._elements = list(self._elements)
        return copy

    def split(self, value, lengths, name=None):
        tensor = self._value(value)
        sizes = _indices(lengths, "lengths")
        if sum(sizes) != tensor.shape[0]:
            raise ValueError(f"TensorArray.split: `lengths` must add up to {tensor.shape[0]}, received {sizes}")
        for i, piece in enumerate(torch.split(tensor, sizes)):
            self._check_write_index(i, "TensorArraySplit")
            self._elements[i] = piece
        return self

    def close(self, name=None):
        self._elements = []

    def mark_used(self):
        return None

    def __repr__(self):
        return f"<tf.TensorArray dtype={self._dtype} size={len(self._elements)}>"
