"""`RandomHue`: turn each image's hues around the colour wheel by a random amount."""
import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _color


class RandomHue(aug.AugmentationLayer):
    """Per image, draw f from `factor` and a random sign, and turn the hue by sign * f / 2 of a full
    turn: f = 1 is half a turn either way (the same image both ways). Identity at inference.

    Args:
        factor: f in [0, 1] for (0, f), or a (lower, upper) pair within [0, 1].
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: an integer for reproducible draws.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = aug.keras_factor(name, "factor", factor, (0, 1))
        self.value_range = aug.value_range_of(name, value_range, sort=False)

    def draw(self, images):
        n, device = images.shape[0], images.device
        sign = torch.where(self.uniform((n,), 0.0, 1.0, device) > 0.5, -1.0, 1.0)
        return sign * self.uniform((n,), *self.factor, device) * 0.5

    def transform(self, images, params):
        return _color.hue(images, params, self.value_range)

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
