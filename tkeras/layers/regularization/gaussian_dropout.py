"""GaussianDropout: multiply by N(1, rate / (1 - rate)) noise while training.

The variance matches that of Dropout(rate)'s 1/(1-rate)-scaled Bernoulli mask, so the two regularize
alike in expectation, without zeroing units. Noise comes from the layer's seed stream when made with
`seed=`, else from torch's global generator (tkeras.ops.seed_generator.layer_generator).
"""
import math

import torch

from tkeras.layers.layer import Layer
from tkeras.ops.seed_generator import SeedGenerator, layer_generator


class GaussianDropout(Layer):
    def __init__(self, rate=None, seed=None, **kwargs):
        rate = kwargs.pop("p", rate)  # Keras 1
        super().__init__(**kwargs)
        if rate is None or not 0 <= float(rate) < 1:
            raise ValueError(f"GaussianDropout: rate must be a number in [0, 1), received rate={rate!r}")
        self.rate = float(rate)
        self.seed = seed
        if self.rate > 0:  # as Keras: its state is layer state (`variables`), never saved
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = torch.randn(inputs.shape, dtype=inputs.dtype, device=inputs.device,
                            generator=layer_generator(self.seed_generator, inputs.device))
        return inputs * (1.0 + noise * stddev)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
