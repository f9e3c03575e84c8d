"""What a model with declared inputs (`keras.Input`) does to the data it is handed before its layers see it.

Keras 2 and 3 both bend data towards the `Input` it is given to, in two ways, and tkeras follows:

* rank: data with one axis more than the `Input` loses a trailing axis of size 1, data with one axis
  fewer gains one when the `Input` ends in 1 (MNIST's (n, 28, 28) arrays fed to `Input((28, 28, 1))`);
  any other difference of rank is refused here, naming the input, instead of deep in a layer;
* dtype (Keras 3): data becomes the dtype its `Input` declares: an int32 `Input` hands on int32 ids
  (int64 or float data included), a bool `Input` bools, a float `Input` turns bool one-hot arrays and
  integer images into its float, and a float64/float16 `Input` takes float data in that dtype, not in
  the model's float32. The model itself leaves float data alone on the way in
  (`layer_inputs.declare_float_input`), so a float64 array keeps its digits up to here; the layers
  behind the Input then cast it to their own dtype, as each Keras layer does.

A functional model also refuses data whose sizes differ from its `Input`'s (Keras 3 and tf-keras 2
check every axis but the batch axis, a `None` size taking anything), naming the input and both
shapes, instead of a shape error deep in some layer or, worse, a layer that takes any size (an
activation, a global pool) handing out a result for data the model was not made for. A Sequential
model does not check: Keras runs its layers one by one on such data.

A `Conformer` is made once per model input, so a call costs a rank comparison, one identity test of
the dtype and, for a functional model, one comparison with the last shape found to fit (the sizes
are checked again only when the data's shape changes); data already in the declared dtype (the
float32 common case) is not touched.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.context import CALL_CONTEXT


class Conformer:
    """Brings one input's data to the rank and dtype of its `Input` (see the module docstring)."""

    __slots__ = ("model_name", "input_name", "shape", "rank", "dtype", "fixed_sizes", "fitting_shape")

    def __init__(self, model_name, input_name, shape, dtype, check_sizes=False):
        self.model_name = model_name
        self.input_name = input_name
        self.shape = tuple(shape)
        self.rank = len(self.shape)
        # None: no declared dtype (a first layer's `input_shape=`) or raw text; data passes as it came.
        self.dtype = None if dtype in (None, "string") else config.standardize_dtype(dtype)
        # (axis, size) of each declared size the data must have: all but the batch axis and None sizes.
        self.fixed_sizes = tuple((axis, size) for axis, size in enumerate(self.shape)
                                 if axis and size is not None) if check_sizes else ()
        self.fitting_shape = None  # the last data shape that had those sizes

    def __call__(self, value):
        if isinstance(value, np.ndarray) and value.dtype.kind in "USO":
            # raw text for a string Input (a column of a structured-data table): the same rank rule
            return value if value.ndim == self.rank else self._adjust_rank(value)
        if not isinstance(value, torch.Tensor):
            return value  # None for optional inputs
        conformed = value
        if conformed.dim() != self.rank:
            conformed = self._adjust_rank(conformed)
        if self.fixed_sizes and conformed.shape != self.fitting_shape and CALL_CONTEXT.depth <= 1:
            # Only the data a model is called on: a model nested in another (ResNet50V2 after RandomWidth)
            # gets what the layers before it make, whose sizes Keras' traced graph leaves unknown.
            self._check_sizes(conformed.shape, value.shape)
        if conformed.dtype is not self.dtype and self.dtype is not None:
            conformed = conformed.to(self.dtype)
        if conformed is not value:
            mask = value.__dict__.get("_keras_mask")
            if mask is not None:
                conformed._keras_mask = mask
        return conformed

    def _check_sizes(self, shape, received_shape):
        for axis, size in self.fixed_sizes:
            if shape[axis] != size:
                raise ValueError(
                    f"Model {self.model_name!r}: input {self.input_name!r} expects data of shape {self.shape} "
                    f"(None: any size), but received data of shape {tuple(received_shape)}: axis {axis} has "
                    f"size {shape[axis]}, the Input declares {size}. Resize or reshape the data to the Input's "
                    f"shape, or declare that axis None in keras.Input to accept any size.")
        self.fitting_shape = shape

    def _adjust_rank(self, value):
        rank = value.ndim
        if rank == self.rank + 1 and value.shape[-1] == 1:
            return value[..., 0]
        if rank == self.rank - 1 and self.shape[-1] == 1:
            return value[..., None]
        raise ValueError(
            f"Model {self.model_name!r}: input {self.input_name!r} expects data of shape {self.shape} (rank "
            f"{self.rank}), but received data of shape {tuple(value.shape)} (rank {rank}). Only a trailing "
            f"axis of size 1 is added or dropped automatically; reshape the data to match the Input.")


def conformers_for(model_name, input_tensors, input_names):
    """One `Conformer` per symbolic model input (KerasTensors from `keras.Input`)."""
    return [Conformer(model_name, name, tensor.shape, tensor.dtype, check_sizes=True)
            for tensor, name in zip(input_tensors, input_names)]
