"""What a model with declared inputs (`keras.Input`) does to the data it is handed before its layers see it.

Keras 2 and 3 both bend data towards the `Input` it is given to, in two ways, and tkeras follows:

* rank: data with one axis more than the `Input` loses a trailing axis of size 1, data with one axis
  fewer gains one when the `Input` ends in 1 (MNIST's (n, 28, 28) arrays fed to `Input((28, 28, 1))`);
  any other difference of rank is refused here, naming the input, instead of deep in a layer;
* dtype: bool and integer data given to a floating `Input` becomes that float (one-hot arrays built
  with `dtype=bool`); an integer `Input` keeps whatever integers come, since the id-taking layers
  behind it (Embedding, lookups) accept any integer dtype.

A `Conformer` is made once per model input, so a call costs a rank comparison and a dtype test.
"""
import numpy as np
import torch

from tkeras.backend import config


class Conformer:
    """Brings one input's data to the rank and float dtype of its `Input` (see the module docstring)."""

    __slots__ = ("model_name", "input_name", "shape", "rank", "float_dtype")

    def __init__(self, model_name, input_name, shape, dtype):
        self.model_name = model_name
        self.input_name = input_name
        self.shape = tuple(shape)
        self.rank = len(self.shape)
        self.float_dtype = None
        if dtype not in (None, "string"):
            torch_dtype = config.standardize_dtype(dtype)
            if torch_dtype.is_floating_point:
                self.float_dtype = torch_dtype

    def __call__(self, value):
        if isinstance(value, np.ndarray) and value.dtype.kind in "USO":
            # raw text for a string Input (a column of a structured-data table): the same rank rule
            return value if value.ndim == self.rank else self._adjust_rank(value)
        if not isinstance(value, torch.Tensor):
            return value  # None for optional inputs
        conformed = value
        if conformed.dim() != self.rank:
            conformed = self._adjust_rank(conformed)
        if self.float_dtype is not None and not (conformed.is_floating_point() or conformed.is_complex()):
            conformed = conformed.to(self.float_dtype)
        if conformed is not value:
            mask = value.__dict__.get("_keras_mask")
            if mask is not None:
                conformed._keras_mask = mask
        return conformed

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
    return [Conformer(model_name, name, tensor.shape, tensor.dtype)
            for tensor, name in zip(input_tensors, input_names)]
