"""`RandomErasing`: blank out a random rectangle of some images, so a model learns from the rest
of the object (Zhong et al., 2017)."""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _boxes


def _fill_value(fill_value):
    if fill_value is None or (isinstance(fill_value, numbers.Real) and not isinstance(fill_value, bool)):
        return fill_value
    if isinstance(fill_value, (list, tuple)) and len(fill_value) == 3 and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in fill_value):
        return fill_value
    raise ValueError(f"RandomErasing: `fill_value` must be None (Gaussian noise), a number or three numbers (one per "
                     f"channel), received {fill_value!r}")


class RandomErasing(aug.AugmentationLayer):
    """Per image, draw a probability from `factor` and, when a uniform draw falls below it, fill a
    box with `fill_value`; the box's sides are sqrt(s) of the image's, s drawn from `scale` per side.
    Identity at inference.

    Args:
        factor: f in [0, 1] for (0, f) (so f / 2 of the images on average), or (lower, upper).
        scale: s in [0, 1] for (0, s), or a (lower, upper) pair: the range of each side's squared ratio.
        fill_value: None (default) for Gaussian noise times the top of `value_range`, clipped to it;
            a number, or one per channel.
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = aug.keras_factor(name, "factor", factor, (0, 1))
        self.scale = aug.keras_factor(name, "scale", scale, (0, 1))
        self.fill_value = _fill_value(fill_value)
        self.value_range = aug.value_range_of(name, value_range, sort=False)

    def draw(self, images):
        n, c, height, width = images.shape
        device = images.device
        ratio = torch.sqrt(self.uniform((n, 2), *self.scale, device))
        x0, x1 = _boxes.place(self, ratio[:, 0], width, device)
        y0, y1 = _boxes.place(self, ratio[:, 1], height, device)
        params = {"corners": torch.stack([x0, x1, y0, y1], dim=1), "apply": self.coin(n, self.factor, device)}
        if self.fill_value is None:
            params["noise"] = torch.randn(images.shape, generator=self._draw_generator(device), device=device,
                                          dtype=images.dtype)
        return params

    def transform(self, images, params):  # (N, C, H, W)
        n, c, height, width = images.shape
        if self.fill_value is None:
            fill = params["noise"].to(images.dtype) * self.value_range[1]
        else:
            values = self.fill_value if isinstance(self.fill_value, (list, tuple)) else [self.fill_value] * c
            fill = torch.tensor(values, dtype=images.dtype, device=images.device).reshape(1, -1, 1, 1)
        fill = torch.clamp(fill, *sorted(self.value_range))
        inside = _boxes.mask(params["corners"].to(images.device), height, width)
        inside = inside & params["apply"].to(images.device).reshape(-1, 1, 1, 1)
        return torch.where(inside, fill, images)

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "scale": self.scale, "fill_value": self.fill_value,
                                       "value_range": self.value_range, "seed": self.seed})
