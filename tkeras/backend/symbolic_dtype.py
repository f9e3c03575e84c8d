"""The dtype a functional-API tensor reports: Keras 3's name ("float32") that also equals TensorFlow's dtypes.

Keras 3 gives a KerasTensor's dtype as a string; tf.keras 2 gave a `tf.DType`, and TensorFlow code built
on it compares the two kinds freely: the CSV tutorial keeps its numeric inputs with
`input.dtype == tf.float32`. In tkeras `tf.float32` is `torch.float32`, which a plain str never equals,
so the name is a str that also compares equal to any other spelling of the same dtype (a torch or NumPy
dtype, a NumPy scalar type). It hashes as the name, so dict and set lookups by "float32" keep working.
"""
import numpy as np
import torch

from tkeras.backend import config


class SymbolicDTypeName(str):
    """A dtype name ("float32") equal to every spelling of that dtype: torch.float32, np.float32, ..."""

    __slots__ = ()

    def __eq__(self, other):
        if isinstance(other, str) or not isinstance(other, (torch.dtype, np.dtype, type)):
            return str.__eq__(self, other)
        try:
            return str.__eq__(self, config.dtype_name(config.standardize_dtype(other)))
        except (TypeError, ValueError, KeyError):
            return False

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = str.__hash__

    def __reduce__(self):
        return str, (str(self),)  # copies and deep copies are the plain name


def symbolic_dtype_name(name):
    """`name` as a SymbolicDTypeName; "string" keeps its own text dtype name (data/text_face.py)."""
    return name if type(name) is not str else SymbolicDTypeName(name)
