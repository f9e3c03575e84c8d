"""Flatten: (batch, d1, d2, ...) -> (batch, d1*d2*...)."""
import numpy as np
import torch

from tkeras.backend import config as backend_config
from tkeras.layers.layer import Layer


class Flatten(Layer):
    # Text (a NumPy array) flattens as numbers do, as TensorFlow's string tensors do.
    accepts_strings = True

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or backend_config.image_data_format()

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            # Keras flattens channels_first input in channels_last order, so Dense weights carry over.
            order = (0, *range(2, inputs.ndim), 1)
            inputs = inputs.permute(*order) if isinstance(inputs, torch.Tensor) else inputs.transpose(order)
        return inputs.reshape(inputs.shape[0], -1)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], int(np.prod(rest)) if all(d is not None for d in rest) else None)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
