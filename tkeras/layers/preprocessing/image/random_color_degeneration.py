"""`RandomColorDegeneration`: blend each image towards its greyscale version by a random amount."""
import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _color


class RandomColorDegeneration(aug.AugmentationLayer):
    """Per image, draw t from `factor` and output x + t * (grey(x) - x), clipped to `value_range`:
    t = 1 is fully grey, t < 0 exaggerates colour. Identity at inference.

    Args:
        factor: f in [0, 1] for (-f, f), or a (lower, upper) pair within [-1, 1].
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: an integer for reproducible draws.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = aug.keras_factor(name, "factor", factor, (-1, 1))
        self.value_range = aug.value_range_of(name, value_range)

    def draw(self, images):
        return self.uniform((images.shape[0],), *self.factor, images.device)

    def transform(self, images, params):
        amount = _color.per_image(params, images)
        return torch.clamp(images + amount * (_color.grayscale(images) - images), *self.value_range)

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
