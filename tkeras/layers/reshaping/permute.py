"""Permute: reorder the non-batch axes, `dims` 1-indexed as in Keras (Permute((2, 1)) swaps them)."""
from tkeras.layers.layer import Layer


class Permute(Layer):
    def __init__(self, dims=None, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(int(d) for d in (dims or ()))
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(dims)} (the batch axis 0 "
                             f"stays first), received dims={dims}")
        self.dims = dims
        self.supports_masking = False  # Keras drops the mask here

    def call(self, inputs):
        if inputs.dim() != len(self.dims) + 1:
            raise ValueError(f"Permute layer {self.name!r}: dims={self.dims} needs a {len(self.dims) + 1}-D input, "
                             f"received shape {tuple(inputs.shape)}")
        return inputs.permute(0, *self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config
