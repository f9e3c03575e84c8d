"""`AutoContrast`: stretch each channel of each image over the whole value range.

A deterministic normalisation rather than a random augmentation, so Keras applies it at inference
too; RandAugment and AugMix use it as one of their operations.
"""
import torch

from tkeras.layers.preprocessing.image import _augmentation as aug


class AutoContrast(aug.AugmentationLayer):
    """Map each channel's darkest value to the low end of `value_range` and its brightest to the
    high end (a channel with a single value is left alone). Active in training and inference.

    Args:
        value_range: the (low, high) range of the pixels: (0, 255) for raw images, (0, 1) after
            `Rescaling(1 / 255)`.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    _owns_seed_generator = False  # deterministic: Keras' layer holds no SeedGenerator

    applies_at_inference = True

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(seed=None, data_format=kwargs.pop("data_format", None), **kwargs)
        self.value_range = aug.value_range_of(type(self).__name__, value_range)

    def transform(self, images, params):  # (N, C, H, W)
        pixels = aug.rescale(images, self.value_range, (0, 255))
        low = pixels.amin(dim=(2, 3), keepdim=True)
        high = pixels.amax(dim=(2, 3), keepdim=True)
        flat = high == low
        scale = 255.0 / torch.where(flat, torch.ones_like(high), high - low)
        stretched = aug.rescale(torch.clamp((pixels - low) * scale, 0.0, 255.0), (0, 255), self.value_range)
        return torch.where(flat | torch.isnan(stretched), images, stretched)

    def get_config(self):
        return aug.keras_config(self, {"value_range": self.value_range})
