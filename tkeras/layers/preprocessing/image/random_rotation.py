"""`RandomRotation`: rotate each training image by a random angle about its centre.

Small rotations (a tenth of a turn in the tutorials) teach a classifier that a tilted camera does
not change the class. The corners the rotation uncovers are filled by `fill_mode`.
"""
import math

import torch

from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.saving.config_compat import in_keras_order


class RandomRotation(ops.AffineImageLayer):
    """Rotate each image by an angle drawn from `factor` (in fractions of a full turn, 2*pi).

    Args:
        factor: f for [-f, f], or (lower, upper); positive angles turn counter-clockwise, so
            (0.25, 0.25) is exactly `np.rot90`.
        fill_mode: 'reflect' (default; d c b a | a b c d | d c b a), 'wrap', 'constant' (`fill_value`)
            or 'nearest' (the edge pixel repeated).
        interpolation: 'bilinear' (default) or 'nearest'.
        seed: an integer for reproducible draws.
        fill_value: the value of uncovered pixels under 'constant'.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    supports_jit = False  # as Keras 3 reports for its geometric random layers

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = factor
        self._lower, self._upper = ops.factor_range(type(self).__name__, "factor", factor)
        self.lower, self.upper = self._lower, self._upper  # tf-keras reads them

    def transforms(self, n, height, width, device):
        return self._maps(self.uniform((n,), self._lower, self._upper, device=device) * 2 * math.pi, height, width)

    @staticmethod
    def _maps(angle, height, width):  # angle in radians, (N,)
        cos, sin = torch.cos(angle), torch.sin(angle)
        cx, cy = (width - 1) / 2, (height - 1) / 2
        # Output pixel p maps to centre + R(angle) (p - centre) in the source.
        x_offset = cx - (cos * cx - sin * cy)
        y_offset = cy - (sin * cx + cos * cy)
        return torch.stack([cos, -sin, x_offset, sin, cos, y_offset], dim=1)

    def draw(self, images):
        """Keras' keys: `angle` in degrees, `rotation_matrix` (N, 8) output->input maps."""
        n, _, height, width = images.shape
        angle = self.uniform((n,), self._lower, self._upper, device=images.device) * 2 * math.pi
        maps = self._maps(angle, height, width)
        return {"angle": torch.rad2deg(angle), "rotation_matrix": torch.cat([maps, torch.zeros_like(maps[:, :2])], 1),
                "image_height": height, "image_width": width, "batch_size": n}

    def matrices(self, params, height, width):
        return torch.as_tensor(params["rotation_matrix"]).reshape(-1, 8)

    def box_image_size(self, transformation):
        return int(transformation["image_height"]), int(transformation["image_width"])

    def move_boxes(self, bounding_boxes, params, height, width):
        moved = {**bounding_boxes,
                 "boxes": box_geometry.rotate(bounding_boxes["boxes"], params["angle"], height, width)}
        return box_geometry.clipped(moved, height, width), height, width

    def get_config(self):
        config_ = super().get_config()
        config_["factor"] = ops.plain(self.factor)
        return in_keras_order(config_, ("name", "trainable", "dtype", "data_format", "factor", "fill_mode",
                                        "fill_value", "interpolation", "seed"))  # Keras 3's order
