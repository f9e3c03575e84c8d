"""`RandomTranslation`: shift each training image by a random fraction of its size.

Objects are rarely centred; shifting teaches a classifier that position does not change the class.
"""
import torch

from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.saving.config_compat import in_keras_order


class RandomTranslation(ops.AffineImageLayer):
    """Shift each image by fractions of its height and width drawn from the two factors.

    Args:
        height_factor: f for [-f, f], or (lower, upper), fractions of the height in [-1, 1];
            positive values move the content down.
        width_factor: the same for the width; positive values move the content right.
        fill_mode, interpolation, seed, fill_value, data_format: as in `RandomRotation`.
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        name = type(self).__name__
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height_range = ops.factor_range(name, "height_factor", height_factor, -1.0, 1.0)
        self._width_range = ops.factor_range(name, "width_factor", width_factor, -1.0, 1.0)

    def transforms(self, n, height, width, device):
        dy = self.uniform((n,), *self._height_range, device=device) * height
        dx = self.uniform((n,), *self._width_range, device=device) * width
        ones, zeros = torch.ones_like(dx), torch.zeros_like(dx)
        # Output pixel p reads the source at p - shift.
        return torch.stack([ones, zeros, -dx, zeros, ones, -dy], dim=1)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"height_factor": ops.plain(self.height_factor),
                        "width_factor": ops.plain(self.width_factor)})
        return in_keras_order(config_, ("name", "trainable", "dtype", "data_format", "height_factor",
                                        "width_factor", "fill_mode", "interpolation", "seed", "fill_value"))
