"""`RandomPosterization`: keep only the top bits of each 8-bit colour value, so a model cannot rely
on fine shading."""
import torch

from tkeras.layers.preprocessing.image import _augmentation as aug


class RandomPosterization(aug.AugmentationLayer):
    """Per image, draw a bit count b and keep the b most significant bits of each pixel on the 0..255
    scale of `value_range`. Identity at inference.

    Args:
        factor: the bit counts, in [1, 8]: a number f means (1, f), a pair (lower, upper). As in
            Keras, b is drawn from lower .. upper - 1 (upper itself only when lower == upper).
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: an integer for reproducible draws.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = aug.keras_factor(name, "factor", factor, (1, 8))
        self.value_range = aug.value_range_of(name, value_range)

    def draw(self, images):
        n, device = images.shape[0], images.device
        low, high = int(self.factor[0]), int(self.factor[1])
        if low == high:
            return torch.full((n,), low, dtype=torch.int64, device=device)
        return torch.randint(low, high, (n,), generator=self._draw_generator(device), device=device)

    def transform(self, images, params):
        shift = (8 - params).to(device=images.device, dtype=torch.uint8).reshape(-1, 1, 1, 1)
        pixels = torch.clamp(aug.rescale(images, self.value_range, (0, 255)), 0, 255).to(torch.uint8)
        pixels = torch.bitwise_left_shift(torch.bitwise_right_shift(pixels, shift), shift)
        return aug.rescale(pixels.to(images.dtype), (0, 255), self.value_range)

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
