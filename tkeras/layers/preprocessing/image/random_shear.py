"""`RandomShear`: slant each image horizontally and/or vertically by a random amount.

As in Keras 3.15.1 the shear is about the top-left corner (pixel (0, 0) stays put), and each image's
direction is flipped at random, so a factor range (a, b) shears by +-[a, b].
"""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.layers.preprocessing.image import _box_helpers as box_helpers
from tkeras.layers.preprocessing.image import _image_ops as ops


def _shear_factor(argument, factor):
    """A number f in [0, 1] means (-f, f); a pair is sorted. Keras 3.15.1 wants pairs within [0, 1]
    but writes (-f, f) into its configs; pairs within [-1, 1] are taken so that those configs load."""
    pair = isinstance(factor, (list, tuple))
    values = list(factor) if pair else [factor]
    low = -1 if pair else 0
    if (len(values) != (2 if pair else 1)
            or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) and low <= v <= 1 for v in values)):
        raise ValueError(f"RandomShear: `{argument}` must be a number in [0, 1] or a (lower, upper) pair within "
                         f"[-1, 1], received {factor!r}")
    return tuple(sorted(factor)) if isinstance(factor, (list, tuple)) else (-abs(factor), abs(factor))


class RandomShear(aug.AugmentationLayer):
    """Per image, output pixel (x, y) reads the input at (x + sx * y, y + sy * x), with sx from
    `x_factor` and sy from `y_factor`, both times a random sign. Identity at inference.

    Args:
        x_factor: shear along the width: f in [0, 1] for (-f, f), or (lower, upper).
        y_factor: shear along the height, likewise.
        interpolation: 'bilinear' (default) or 'nearest'.
        fill_mode: 'reflect' (default), 'wrap', 'constant' (`fill_value`) or 'nearest'.
        fill_value: the value of uncovered pixels under 'constant'.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: an integer for reproducible draws.
    """

    supports_jit = False  # as Keras 3 reports for its geometric random layers

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.x_factor = _shear_factor("x_factor", x_factor)
        self.y_factor = _shear_factor("y_factor", y_factor)
        self.interpolation = aug.check_interpolation(name, interpolation)
        self.fill_mode = ops.check_choice(name, "fill_mode", fill_mode, ops.FILL_MODES)
        self.fill_value = fill_value

    def draw(self, images):
        n, device = images.shape[0], images.device
        sign = torch.where(self.uniform((n, 1), 0.0, 1.0, device) > 0.5, -1.0, 1.0)
        shear_y = self.uniform((n, 1), *self.y_factor, device)
        shear_x = self.uniform((n, 1), *self.x_factor, device)
        return torch.cat([shear_x, shear_y], dim=1) * sign  # (N, 2): (sx, sy)

    boxes_unchanged = False

    def get_random_transformation(self, data, training=True, seed=None):
        """Keras' form: {"shear_factor": (N, 2), "input_shape": ...} (`draw` gives the bare factors)."""
        shear = super().get_random_transformation(data, training, seed)
        if shear is None:
            return None
        images = torch.as_tensor(data["images"] if isinstance(data, dict) else data)
        shape = tuple(images.shape) if images.dim() == 4 else (1,) + tuple(images.shape)
        return {"shear_factor": shear, "input_shape": shape}

    def transform(self, images, params):
        return self._shear(images, params, self.interpolation)

    def transform_masks(self, masks, params):
        return self._shear(masks.to(torch.float32), params, "nearest").to(masks.dtype)

    def _shear(self, images, shear, interpolation):
        dtype = torch.float64 if images.dtype == torch.float64 else torch.float32
        shear = torch.as_tensor(_factors(shear)).to(images.device, dtype)
        ones, zeros = torch.ones_like(shear[:, 0]), torch.zeros_like(shear[:, 0])
        transforms = torch.stack([ones, shear[:, 0], zeros, shear[:, 1], ones, zeros], dim=1)
        return ops.affine_transform(images, transforms, interpolation, self.fill_mode, float(self.fill_value))

    def move_boxes(self, bounding_boxes, params, height, width):
        moved = {**bounding_boxes, "boxes": box_geometry.shear(bounding_boxes["boxes"], _factors(params))}
        return box_geometry.clipped(moved, height, width), height, width

    # Keras 3's public box helpers (see _box_helpers)
    get_transformed_x_y = box_helpers.get_transformed_x_y
    get_shifted_bbox = box_helpers.get_shifted_bbox

    def get_config(self):
        return aug.keras_config(self, {"x_factor": self.x_factor, "y_factor": self.y_factor,
                                       "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                                       "seed": self.seed, "fill_value": self.fill_value})


def _factors(params):
    """The (N, 2) shear factors of a transformation in either form (Keras' dict or the bare factors)."""
    return params["shear_factor"] if isinstance(params, dict) else params
