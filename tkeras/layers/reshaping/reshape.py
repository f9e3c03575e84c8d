"""Reshape the non-batch dimensions to `target_shape` (one entry may be -1)."""
import numpy as np

from tkeras.layers.layer import Layer


class Reshape(Layer):
    # Moving elements around works on text as on numbers (`Reshape((1,))` before a StringLookup), as it
    # does on TensorFlow's string tensors; text arrives as a NumPy array, which reshapes the same way.
    accepts_strings = True

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in self.target_shape) > 1:
            raise ValueError(f"Reshape: at most one dimension may be -1, received target_shape={self.target_shape}")

    def _resolved(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return self.target_shape
        total = int(np.prod(rest))
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        if -1 in self.target_shape:
            if known == 0 or total % known:
                raise ValueError(f"Layer {self.name!r}: cannot reshape input of shape {tuple(input_shape)} "
                                 f"to target_shape {self.target_shape}")
            return tuple(total // known if d == -1 else d for d in self.target_shape)
        if known != total:
            raise ValueError(f"Layer {self.name!r}: total size of the input {tuple(input_shape)} ({total}) does "
                             f"not match target_shape {self.target_shape} ({known})")
        return self.target_shape

    def build(self, input_shape):
        self._resolved(input_shape)
        self.built = True

    def call(self, inputs):
        return inputs.reshape((inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolved(input_shape)

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config
