"""`RandomContrast`: stretch or squeeze each training image's pixel values about their mean.

Lighting and camera settings change contrast; varying it teaches a classifier to ignore that.
"""
import numbers

import torch

from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.saving.config_compat import in_keras_order


class RandomContrast(ops.RandomImageLayer):
    """Per image, draw c in [1 - lower, 1 + upper] and map each channel x to (x - mean) * c + mean,
    the mean taken over that image's pixels, then clip to `value_range`.

    Args:
        factor: f in [0, 1] for c in [1 - f, 1 + f], or (lower, upper) for [1 - lower, 1 + upper].
        value_range: the (min, max) pixel values the output is clipped to; (0, 255) for raw images.
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    boxes_unchanged = True  # a colour change: bounding boxes pass through

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        if isinstance(factor, numbers.Real) and not isinstance(factor, bool):
            lower = upper = float(factor)
        elif isinstance(factor, (list, tuple)) and len(factor) == 2:
            lower, upper = float(factor[0]), float(factor[1])
        else:
            raise ValueError(f"{name}: `factor` must be a number or a (lower, upper) pair, received {factor!r}")
        if not (0 <= lower <= 1 and 0 <= upper <= 1):
            raise ValueError(f"{name}: `factor` must lie in [0, 1] (a contrast multiplier below 0 would "
                             f"invert the image), received {factor!r}")
        self.factor = factor
        self._range = (1.0 - lower, 1.0 + upper)
        self.lower, self.upper = lower, upper  # tf-keras
        self.value_range = _value_range(name, value_range)

    def draw(self, images):
        """Keras' key: `contrast_factor` (N, 1, 1, 1)."""
        return {"contrast_factor": self.uniform((images.shape[0], 1, 1, 1), *self._range, device=images.device)}

    def transform(self, images, params):  # (N, C, H, W)
        if params is None:
            return images
        scale = torch.as_tensor(params["contrast_factor"]).to(images.device, images.dtype).reshape(-1, 1, 1, 1)
        means = images.mean(dim=(2, 3), keepdim=True)
        return torch.clamp((images - means) * scale + means, *self.value_range)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"factor": ops.plain(self.factor), "value_range": list(self.value_range)})
        return in_keras_order(config_, ("name", "trainable", "dtype", "data_format", "factor", "value_range",
                                        "seed"))  # Keras 3's order


def _value_range(name, value_range):
    if not isinstance(value_range, (list, tuple)) or len(value_range) != 2 or value_range[0] >= value_range[1]:
        raise ValueError(f"{name}: `value_range` must be (min, max) with min < max, received {value_range!r}")
    return float(value_range[0]), float(value_range[1])
