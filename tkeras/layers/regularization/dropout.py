"""Dropout: zero a `rate` fraction of inputs during training and scale the rest by 1/(1-rate).

With `seed=`, masks come from the layer's SeedGenerator stream (two layers made with the same seed drop
the same entries; each call advances its counter, as Keras'); without, from torch's global generator
(`keras.utils.set_random_seed` makes a run repeat), leaving the counter alone as Keras' torch backend does.
"""
import math

import torch
import torch.nn.functional as F

from tkeras.layers.layer import Layer
from tkeras.ops.random import SeedGenerator


class Dropout(Layer):
    def __init__(self, rate=None, noise_shape=None, seed=None, **kwargs):
        rate = kwargs.pop("p", rate)  # Keras 1 spelling
        super().__init__(**kwargs)
        if rate is None or not 0 <= float(rate) <= 1:
            raise ValueError(f"Dropout: rate must be a number in [0, 1], received rate={rate!r}")
        self.rate = float(rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        if self.rate > 0:  # as Keras: its state is layer state (`variables`), never saved
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        if self.rate == 1.0:
            return inputs * 0.0
        if self.noise_shape is None and self.seed is None and inputs.device.type != "cpu":
            return F.dropout(inputs, self.rate, training=True)  # one fused kernel on GPUs (takes no generator)
        if inputs.dtype in (torch.float32, torch.float64):
            return inputs * self.scaled_keep_mask(inputs)
        return inputs * self._draw_keep(inputs) * (1.0 / (1.0 - self.rate))  # half: one rounding, from float

    def scaled_keep_mask(self, inputs):
        """The training-time multiplier of float32/float64 `inputs` (for 0 < rate < 1): 1/(1-rate) where
        kept, 0 where dropped, in the noise shape. The fused Dense-stack train step multiplies by it
        forward and backward itself, so it draws the same masks as `call`.

        One multiplication by a scaled mask, forward and backward, instead of two (the scale is rounded
        to the inputs' dtype either way, so the values are the same bits): seed 002's 64 x 200 x 200
        dropout went from 6.5-6.9 ms to 2.6-2.7 ms forward + backward. The mask is converted from its
        bytes: torch's bool -> float copy is 4-5x slower than uint8's."""
        keep = self._draw_keep(inputs)
        return keep.view(torch.uint8).to(inputs.dtype).mul_(1.0 / (1.0 - self.rate))

    def _draw_keep(self, inputs):
        if self.noise_shape is None:
            shape = inputs.shape
        else:
            shape = tuple(inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        generator = None if self.seed is None else self.seed_generator.torch_generator(inputs.device)
        # On CPUs, comparing uniform draws with the rate makes the keep-mask in one pass; torch's
        # bernoulli_ (inside F.dropout) made mask generation ~1.5-2.7x slower, forward + backward.
        if inputs.device.type == "cpu":
            return _keep_mask(shape, self.rate, generator)
        return torch.rand(shape, dtype=inputs.dtype, device=inputs.device, generator=generator) >= self.rate

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,  # Keras 3's order
                       "noise_shape": list(self.noise_shape) if self.noise_shape else None})
        return config


def _keep_mask(shape, rate, generator=None):
    """A CPU keep-mask in which each entry is dropped with probability `rate` (to float32's resolution,
    as with Keras' uniform draws), from 16 random bits an entry instead of torch.rand's 32.

    torch's CPU generator is serial and costs ~3.5 ns a 32-bit draw: the masks of the two Dropout
    layers of seed 002 (imdb_cnn_bilstm) were 13% of its training step. Here each 64-bit draw gives
    four uniform 16-bit integers u. With `rate * 2^16 = t + f` (t integer, 0 <= f < 1), an entry is
    dropped when u < t + b, where b is one coin of probability f drawn for the whole mask, so
    P(drop) = (t + f) / 2^16 = rate for every entry (entries of one mask share the coin: their drop
    probabilities differ from the independent ones by at most 2^-16, and no entry-by-entry pass or
    read of a count is needed). A 64 x 200 x 200 mask took 5.0-5.4 ms against 8.3-9.0 ms with
    torch.rand, and seed 002's fit epoch 0.93-0.94x (medians of three in-process A/B runs, 2-core CPU,
    2026-12-06).
    """
    scaled = rate * 65536
    threshold = math.floor(scaled)
    if threshold >= 65535:  # the boundary would leave int16: rates within 2^-16 of 1
        return torch.rand(shape, generator=generator) >= rate
    count = math.prod(shape)
    words = torch.empty((count + 3) // 4, dtype=torch.int64).random_(-2 ** 63, 2 ** 63 - 1, generator=generator)
    uniform = words.view(torch.int16)[:count].view(shape)  # u - 32768: -32768 .. 32767
    coin = (torch.rand((), generator=generator) < scaled - threshold).to(torch.int16)  # no read into Python
    return uniform >= coin + (threshold - 32768)
