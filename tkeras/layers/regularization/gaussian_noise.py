"""GaussianNoise: add N(0, stddev^2) noise while training (a data-augmentation style regularizer)."""
import torch

from tkeras.layers.layer import Layer
from tkeras.ops.random import SeedGenerator


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
        return inputs + torch.randn_like(inputs) * self.stddev

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
