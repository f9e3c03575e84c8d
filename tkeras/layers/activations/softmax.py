"""Softmax layer over `axis` (an int or a list of axes). An explicit `mask` (1 = keep), as attention
code passes, pushes masked logits to a large negative value first, as Keras does."""
import torch

from tkeras import activations
from tkeras.layers.layer import Layer


class Softmax(Layer):
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else [int(a) for a in axis]
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None and mask.dim() == inputs.dim():
            large_negative = -1e9 if inputs.dtype not in (torch.float16, torch.bfloat16) else -3e4
            inputs = inputs + (1.0 - mask.to(device=inputs.device, dtype=inputs.dtype)) * large_negative
        if isinstance(self.axis, int):
            return activations.softmax(inputs, axis=self.axis)
        # Several axes: one softmax over their joint extent (logsumexp over all of them).
        return torch.exp(inputs - torch.logsumexp(inputs, dim=self.axis, keepdim=True))

    def compute_mask(self, inputs, mask=None):
        # A sequence mask (one dim fewer) passes through; an explicit logits mask is used up here.
        return mask if mask is not None and mask.dim() < inputs.dim() else None

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
