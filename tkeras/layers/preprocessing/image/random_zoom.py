"""`RandomZoom`: zoom each training image in or out about its centre by a random amount.

Objects appear at many distances; zooming teaches a classifier that scale does not change the class.
"""
import torch

from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.layers.preprocessing.image import _box_helpers as box_helpers
from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.saving.config_compat import in_keras_order


class RandomZoom(ops.AffineImageLayer):
    """Zoom each image by factors drawn from `height_factor` and `width_factor`.

    Args:
        height_factor: f for [-f, f], or (lower, upper), fractions of the height; negative values
            zoom in (the content grows), positive values zoom out. Values must be above -1.
        width_factor: the same for the width; None (default) zooms both sides by the same drawn
            amount, keeping the aspect ratio.
        fill_mode, interpolation, seed, fill_value, data_format: as in `RandomRotation`.
    """

    supports_jit = False  # as Keras 3 reports for its geometric random layers

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear",
                 seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        name = type(self).__name__
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height_range = _zoom_range(name, "height_factor", height_factor)
        self._width_range = None if width_factor is None else _zoom_range(name, "width_factor", width_factor)
        self.height_lower, self.height_upper = self._height_range
        if self._width_range is not None:
            self.width_lower, self.width_upper = self._width_range

    def _zooms(self, n, device):
        zoom_y = 1.0 + self.uniform((n,), *self._height_range, device=device)
        zoom_x = zoom_y if self._width_range is None else 1.0 + self.uniform(
            (n,), *self._width_range, device=device)
        return zoom_y, zoom_x

    def transforms(self, n, height, width, device):
        zoom_y, zoom_x = self._zooms(n, device)
        return self.matrices({"height_zoom": zoom_y, "width_zoom": zoom_x}, height, width)

    def draw(self, images):
        """Keras' keys: `height_zoom`, `width_zoom` (N, 1) scale factors (above 1 zooms out)."""
        zoom_y, zoom_x = self._zooms(images.shape[0], images.device)
        return {"height_zoom": zoom_y[:, None], "width_zoom": zoom_x[:, None],
                "input_shape": box_geometry.user_shape(images, self.data_format)}

    def matrices(self, params, height, width):
        zoom_y = torch.as_tensor(params["height_zoom"]).reshape(-1)
        zoom_x = torch.as_tensor(params["width_zoom"]).reshape(-1).to(zoom_y)
        cx, cy = (width - 1) / 2, (height - 1) / 2
        zeros = torch.zeros_like(zoom_y)
        # Output pixel p reads the source at centre + zoom * (p - centre).
        return torch.stack([zoom_x, zeros, cx * (1 - zoom_x), zeros, zoom_y, cy * (1 - zoom_y)], dim=1)

    def move_boxes(self, bounding_boxes, params, height, width):
        moved = box_geometry.zoom(bounding_boxes["boxes"], params["width_zoom"], params["height_zoom"], height, width)
        return box_geometry.clipped({**bounding_boxes, "boxes": moved}, height, width), height, width

    # Keras 3's public box helpers (see _box_helpers)
    get_transformed_x_y = box_helpers.get_transformed_x_y
    get_clipped_bbox = box_helpers.get_clipped_bbox

    def get_config(self):
        config_ = super().get_config()
        config_.update({"height_factor": ops.plain(self.height_factor),
                        "width_factor": ops.plain(self.width_factor)})
        return in_keras_order(config_, ("name", "trainable", "dtype", "data_format", "height_factor",
                                        "width_factor", "fill_mode", "interpolation", "seed", "fill_value"))


def _zoom_range(name, argument, factor):
    lower, upper = ops.factor_range(name, argument, factor)
    if lower <= -1:
        raise ValueError(f"{name}: `{argument}` must stay above -1 (a zoom of -100% or more has no "
                         f"meaning), received {factor!r}")
    return lower, upper
