"""`RandomPerspective`: view each image from a slightly different angle by moving its four corners."""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.ops import image_sampling


class RandomPerspective(aug.AugmentationLayer):
    """Per image, draw a probability from `factor` and, when a uniform draw falls below it, move
    each corner c to c * (1 + d) with d in [-scale / 2, scale / 2] per coordinate, and warp the
    image so its corners land there; uncovered pixels get `fill_value`. Identity at inference.

    Args:
        factor: f in [0, 1] for (0, f) (so f / 2 of the images on average), or (lower, upper).
        scale: in [0, 1], how far the corners may move, as a fraction of their coordinates.
        interpolation: 'bilinear' (default) or 'nearest'.
        fill_value: the value of pixels that come from outside the image.
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    supports_jit = False  # as Keras 3 reports for its geometric random layers

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None, data_format=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = aug.keras_factor(name, "factor", factor, (0, 1))
        if not isinstance(scale, numbers.Real) or isinstance(scale, bool) or not 0 <= scale <= 1:
            raise ValueError(f"{name}: `scale` must be a number in [0, 1], received {scale!r}")
        self.scale = scale
        self.interpolation = aug.check_interpolation(name, interpolation)
        self.fill_value = fill_value

    def draw(self, images):
        n, _, height, width = images.shape
        device = images.device
        apply = self.coin(n, self.factor, device)
        offsets = self.uniform((n, 4, 2), -0.5 * self.scale, 0.5 * self.scale, device)
        corners = torch.tensor([[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]],
                               dtype=offsets.dtype, device=device).expand(n, 4, 2)
        return {"apply": apply, "start_points": corners, "end_points": corners + corners * offsets,
                "input_shape": box_geometry.user_shape(images, self.data_format)}

    def transform(self, images, params):
        return self._warp(images, params, self.interpolation)

    def transform_masks(self, masks, params):
        return self._warp(masks.to(torch.float32), params, "nearest").to(masks.dtype)

    def _warp(self, images, params, interpolation):
        warped = image_sampling.perspective_transform(images, params["start_points"], params["end_points"],
                                                      interpolation=interpolation, fill_value=self.fill_value,
                                                      data_format="channels_first")
        return torch.where(_applied(params).to(images.device).reshape(-1, 1, 1, 1), warped, images)

    boxes_unchanged = False

    def move_boxes(self, bounding_boxes, params, height, width):
        moved = box_geometry.perspective(bounding_boxes["boxes"], params["start_points"], params["end_points"],
                                         _applied(params))
        return box_geometry.clipped({**bounding_boxes, "boxes": moved}, height, width), height, width

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "scale": self.scale, "interpolation": self.interpolation,
                                       "fill_value": self.fill_value, "seed": self.seed})


def _applied(params):
    """Which images are warped: tkeras' "apply" or Keras' "apply_perspective"."""
    return torch.as_tensor(params["apply"] if "apply" in params else params["apply_perspective"])
