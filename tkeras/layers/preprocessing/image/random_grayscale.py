"""`RandomGrayscale`: turn a fraction of the images grey, so a model cannot lean on colour alone."""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _color


class RandomGrayscale(aug.AugmentationLayer):
    """Replace each image, with probability `factor`, by its luma (ITU-R 601 weights) in all three
    channels. Identity at inference.

    Args:
        factor: the probability in [0, 1] that an image turns grey.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: an integer for reproducible draws (Keras does not write it in the config).
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not isinstance(factor, numbers.Real) or isinstance(factor, bool) or not 0 <= factor <= 1:
            raise ValueError(f"RandomGrayscale: `factor` must be a probability in [0, 1], received {factor!r}")
        self.factor = factor

    def draw(self, images):
        return self.uniform((images.shape[0],), 0.0, 1.0, images.device) < self.factor

    def transform(self, images, params):  # (N, 3, H, W)
        return torch.where(params.reshape(-1, 1, 1, 1), _color.grayscale(images), images)

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor})
