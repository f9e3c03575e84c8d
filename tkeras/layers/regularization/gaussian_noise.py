"""GaussianNoise: add N(0, stddev^2) noise while training (a data-augmentation style regularizer).

Noise comes from the layer's seed stream when made with `seed=`, else from torch's global generator
(tkeras.ops.seed_generator.layer_generator).
"""
import torch

from tkeras.layers.layer import Layer
from tkeras.ops.seed_generator import SeedGenerator, layer_generator


class GaussianNoise(Layer):
    def __init__(self, stddev=None, seed=None, **kwargs):
        stddev = kwargs.pop("sigma", stddev)  # Keras 1
        super().__init__(**kwargs)
        if stddev is None or float(stddev) < 0:
            raise ValueError(f"GaussianNoise: stddev must be a non-negative number, received stddev={stddev!r}")
        self.stddev = float(stddev)
        self.seed = seed
        if self.stddev > 0:  # as Keras: its state is layer state (`variables`), never saved
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.stddev == 0.0:
            return inputs
        noise = torch.randn(inputs.shape, dtype=inputs.dtype, device=inputs.device,
                            generator=layer_generator(self.seed_generator, inputs.device))
        return inputs + noise * self.stddev

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
