"""`Solarization`: invert the pixels above a threshold, as an over-exposed photographic plate does.

One of RandAugment's and AugMix's operations. As in Keras 3.15.1, the addition and the threshold
of each image are drawn from [lower, upper * 255] of their factors (the lower bound is not scaled),
so only (0, 0) and zero-width ranges at 0 are fixed.
"""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug


def _unit_factor(argument, factor):
    """A number f in [0, 1] means (0, f); a pair is sorted; every value must lie in [0, 1]."""
    values = factor if isinstance(factor, (list, tuple)) else [factor]
    if (len(values) not in (1, 2) or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)
            or not all(0 <= v <= 1 for v in values) or (isinstance(factor, (list, tuple)) and len(values) != 2)):
        raise ValueError(f"Solarization: `{argument}` must be a number in [0, 1] or a (lower, upper) pair within "
                         f"[0, 1], received {factor!r}")
    return tuple(sorted(factor)) if isinstance(factor, (list, tuple)) else (0, factor)


class Solarization(aug.AugmentationLayer):
    """Per image, add a drawn amount to every pixel (clipped to the range), then replace each pixel
    at or above a drawn threshold p by (max - p), all on a 0..255 scale of `value_range`.

    Args:
        addition_factor: f in [0, 1] for (0, f), or (lower, upper); times 255 (see the module note).
        threshold_factor: as `addition_factor`; 0 (the default) solarizes every pixel.
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        seed: an integer for reproducible draws.
    """

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, data_format=kwargs.pop("data_format", None), **kwargs)
        self.addition_factor = _unit_factor("addition_factor", addition_factor)
        self.threshold_factor = _unit_factor("threshold_factor", threshold_factor)
        self.value_range = aug.value_range_of(type(self).__name__, value_range)

    def draw(self, images):
        n, device = images.shape[0], images.device
        return {"additions": self.uniform((n,), self.addition_factor[0], self.addition_factor[1] * 255, device),
                "thresholds": self.uniform((n,), self.threshold_factor[0], self.threshold_factor[1] * 255, device)}

    def transform(self, images, params):  # (N, C, H, W)
        pixels = aug.rescale(images, self.value_range, (0, 255))
        additions = params["additions"].to(images.device, images.dtype).reshape(-1, 1, 1, 1)
        thresholds = params["thresholds"].to(images.device, images.dtype).reshape(-1, 1, 1, 1)
        pixels = torch.clamp(pixels + additions, 0, 255)
        pixels = torch.where(pixels < thresholds, pixels, 255 - pixels)
        return aug.rescale(pixels, (0, 255), self.value_range)

    def get_config(self):
        return aug.keras_config(self, {"value_range": self.value_range, "addition_factor": self.addition_factor,
                                       "threshold_factor": self.threshold_factor, "seed": self.seed})
