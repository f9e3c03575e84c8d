"""`RandomColorJitter`: brightness, contrast, saturation and hue changes in one layer, each drawn
per image, applied in that order (the torchvision ColorJitter of Keras 3)."""
import torch

from tkeras.backend import config
from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _color


class RandomColorJitter(aug.AugmentationLayer):
    """Each factor left at None skips its step. Identity at inference.

    Args:
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        brightness_factor: as `RandomBrightness`' factor: f for offsets in (-f, f) times the range.
        contrast_factor: as Keras' `RandomContrast`: f for contrast multipliers in [1, 1 + f],
            (lower, upper) for [1 - lower, 1 + upper].
        saturation_factor: as `RandomSaturation`'s factor.
        hue_factor: as `RandomHue`'s factor.
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.value_range = aug.value_range_of(name, value_range, sort=False)
        self._range = sorted(self.value_range)
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        self._brightness = None if brightness_factor is None else aug.keras_factor(
            name, "brightness_factor", brightness_factor, (-1, 1))
        self._contrast = None if contrast_factor is None else aug.keras_factor(
            name, "contrast_factor", contrast_factor, (0, 1))
        self._saturation = None if saturation_factor is None else aug.keras_factor(
            name, "saturation_factor", saturation_factor, (-1, 1))
        self._hue = None if hue_factor is None else aug.keras_factor(name, "hue_factor", hue_factor, (0, 1))

    def draw(self, images):
        n, device = images.shape[0], images.device
        params = {}
        if self._brightness is not None:
            params["brightness"] = self.uniform((n,), *self._brightness, device)
        if self._contrast is not None:
            params["contrast"] = self.uniform((n,), 1.0 - self._contrast[0], 1.0 + self._contrast[1], device)
        if self._saturation is not None:
            f = self.uniform((n,), *self._saturation, device)
            params["saturation"] = f / (1 - f + config.epsilon())
        if self._hue is not None:
            sign = torch.where(self.uniform((n,), 0.0, 1.0, device) > 0.5, -1.0, 1.0)
            params["hue"] = sign * self.uniform((n,), *self._hue, device) * 0.5
        return params

    def transform(self, images, params):
        if "brightness" in params:
            images = _color.brightness(images, params["brightness"], self._range)
        if "contrast" in params:
            images = _color.contrast(images, params["contrast"], self.value_range)
        if "saturation" in params:
            images = _color.saturation(images, params["saturation"], self._range)
        if "hue" in params:
            images = _color.hue(images, params["hue"], self.value_range)
        return images

    def get_config(self):
        return aug.keras_config(self, {
            "value_range": self.value_range, "brightness_factor": self.brightness_factor,
            "contrast_factor": self.contrast_factor, "saturation_factor": self.saturation_factor,
            "hue_factor": self.hue_factor, "seed": self.seed})
