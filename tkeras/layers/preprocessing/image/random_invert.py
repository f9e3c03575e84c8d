"""`RandomInvert`: turn some images into their negatives (max - x)."""
import torch

from tkeras.layers.preprocessing.image import _augmentation as aug


class RandomInvert(aug.AugmentationLayer):
    """Per image, draw a probability from `factor` and invert the image (`value_range[1] - x`, as
    Keras) when a uniform draw falls below it: a number f means (0, f), so f / 2 of the images on
    average, and (1, 1) inverts them all. Identity at inference.

    Args:
        factor: f in [0, 1] for (0, f), or a (lower, upper) pair within [0, 1].
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = aug.keras_factor(name, "factor", factor, (0, 1))
        self.value_range = aug.value_range_of(name, value_range, sort=False)

    def draw(self, images):
        return self.coin(images.shape[0], self.factor, images.device)

    def transform(self, images, params):
        return torch.where(params.reshape(-1, 1, 1, 1), self.value_range[1] - images, images)

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
