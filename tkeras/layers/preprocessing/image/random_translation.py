"""`RandomTranslation`: shift each training image by a random fraction of its size.

Objects are rarely centred; shifting teaches a classifier that position does not change the class.
"""
import torch

from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.layers.preprocessing.image import _box_helpers as box_helpers
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

    supports_jit = False  # as Keras 3 reports for its geometric random layers

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        name = type(self).__name__
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height_range = ops.factor_range(name, "height_factor", height_factor, -1.0, 1.0)
        self._width_range = ops.factor_range(name, "width_factor", width_factor, -1.0, 1.0)
        self.height_lower, self.height_upper = self._height_range
        self.width_lower, self.width_upper = self._width_range

    def _shifts(self, n, height, width, device):
        dy = self.uniform((n,), *self._height_range, device=device) * height
        dx = self.uniform((n,), *self._width_range, device=device) * width
        return torch.stack([dx, dy], dim=1)

    def transforms(self, n, height, width, device):
        return self.matrices({"translations": self._shifts(n, height, width, device)}, height, width)

    def draw(self, images):
        """Keras' keys: `translations` (N, 2), the (x, y) shift of each image in pixels."""
        n, _, height, width = images.shape
        return {"translations": self._shifts(n, height, width, images.device),
                "input_shape": box_geometry.user_shape(images, self.data_format)}

    def matrices(self, params, height, width):
        shifts = torch.as_tensor(params["translations"]).reshape(-1, 2)
        ones, zeros = torch.ones_like(shifts[:, 0]), torch.zeros_like(shifts[:, 0])
        # Output pixel p reads the source at p - shift.
        return torch.stack([ones, zeros, -shifts[:, 0], zeros, ones, -shifts[:, 1]], dim=1)

    def move_boxes(self, bounding_boxes, params, height, width):
        moved = {**bounding_boxes, "boxes": box_geometry.translate(bounding_boxes["boxes"], params["translations"])}
        return box_geometry.clipped(moved, height, width), height, width

    # Keras 3's public box helpers (see _box_helpers)
    get_transformed_x_y = box_helpers.get_transformed_x_y
    get_shifted_bbox = box_helpers.get_shifted_bbox

    def get_config(self):
        config_ = super().get_config()
        config_.update({"height_factor": ops.plain(self.height_factor),
                        "width_factor": ops.plain(self.width_factor)})
        return in_keras_order(config_, ("name", "trainable", "dtype", "data_format", "height_factor",
                                        "width_factor", "fill_mode", "interpolation", "seed", "fill_value"))
