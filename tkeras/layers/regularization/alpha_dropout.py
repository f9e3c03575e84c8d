"""AlphaDropout: dropout for SELU networks that keeps the activations' mean and variance.

Dropped units are set to SELU's negative saturation value (-alpha * scale) rather than 0, then an
affine correction `a * x + b` restores zero mean and unit variance (Klambauer et al., 2017), with
Keras' constants. Masks come from the layer's seed stream when made with `seed=`, else from torch's
global generator (tkeras.ops.seed_generator.layer_generator).
"""
import torch

from tkeras.layers.layer import Layer
from tkeras.ops.seed_generator import SeedGenerator, layer_generator

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    def __init__(self, rate=None, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if rate is None or not 0 <= float(rate) < 1:
            raise ValueError(f"AlphaDropout: rate must be a number in [0, 1), received rate={rate!r}")
        self.rate = float(rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        if self.rate > 0:  # as Keras: its state is layer state (`variables`), never saved
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        shape = inputs.shape if self.noise_shape is None else tuple(
            inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        generator = layer_generator(self.seed_generator, inputs.device)
        kept = (torch.rand(shape, device=inputs.device, generator=generator) >= self.rate).to(inputs.dtype)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        a = ((1.0 - self.rate) * (1.0 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        return a * (inputs * kept + alpha_p * (1.0 - kept)) + b

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,  # Keras 3's order
                       "noise_shape": list(self.noise_shape) if self.noise_shape else None})
        return config
