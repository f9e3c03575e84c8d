"""`RandomBrightness`: add a random offset to all pixels of each training image.

Exposure varies between photographs; shifting brightness teaches a classifier to ignore it.
"""
import torch

from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.saving.config_compat import in_keras_order
from tkeras.layers.preprocessing.image.random_contrast import _value_range


class RandomBrightness(ops.RandomImageLayer):
    """Per image, draw d from `factor` and add d * (max - min) of `value_range`, then clip to it.

    Args:
        factor: f in [0, 1] for d in [-f, f], or (lower, upper) within [-1, 1]; 0.2 brightens or
            darkens by up to a fifth of the value range.
        value_range: the (min, max) of the input pixels: (0, 255) for raw images, (0, 1) after
            `Rescaling(1 / 255)`.
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    boxes_unchanged = True  # a colour change: bounding boxes pass through

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = factor
        self._range = ops.factor_range(name, "factor", factor, -1.0, 1.0)
        self.value_range = _value_range(name, value_range)

    def draw(self, images):
        """Keras' key: `rgb_delta` (N, 1, 1, 1), the shift in pixel units."""
        low, high = self.value_range
        delta = self.uniform((images.shape[0], 1, 1, 1), *self._range, device=images.device) * (high - low)
        return {"rgb_delta": delta}

    def transform(self, images, params):  # (N, C, H, W)
        if params is None:
            return images
        delta = torch.as_tensor(params["rgb_delta"]).to(images.device, images.dtype).reshape(-1, 1, 1, 1)
        return torch.clamp(images + delta, *self.value_range)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"factor": ops.plain(self.factor), "value_range": list(self.value_range)})
        return in_keras_order(config_, ("name", "trainable", "dtype", "data_format", "factor", "value_range",
                                        "seed"))  # Keras 3's order
