"""Identity (Keras 3): returns its inputs, masks included.

A placeholder where a layer is expected but nothing should happen (an optional block switched off, a
branch of a model that passes its input on), so the model's structure stays the same either way.
"""
from tkeras.layers.layer import Layer


class Identity(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True  # the input's mask is the output's mask
        self.built = True  # no weights, so nothing waits for an input shape

    def call(self, inputs):
        return inputs

    def _output_dtype(self, input_dtype):
        return input_dtype or self.dtype

    def compute_output_shape(self, input_shape):
        return input_shape
