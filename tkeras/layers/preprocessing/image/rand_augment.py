"""`RandAugment`: apply a few operations chosen at random from a fixed list, all at one strength
(Cubuk et al., 2020), an augmentation policy with two knobs instead of a searched one."""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.layers.preprocessing.image import _operations

OPERATIONS = ("random_shear", "random_translation", "random_rotation", "random_brightness",
              "random_color_degeneration", "random_contrast", "random_sharpness", "random_posterization",
              "solarization", "auto_contrast", "equalization")


class RandAugment(aug.AugmentationLayer):
    """Per batch, `num_ops` times: pick one of eleven operations (shear, translation, rotation,
    brightness, colour degeneration, contrast, sharpness, posterization, solarization,
    auto-contrast, equalization) and apply it to the whole batch, each image with its own random
    amounts drawn within `factor`. Identity at inference.

    Args:
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        num_ops: how many operations to apply in sequence.
        factor: f in [0, 1] for (0, f), or (lower, upper): the strength every operation uses.
        interpolation: 'bilinear' (default) or 'nearest', for the geometric operations.
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    boxes_unchanged = False  # the geometric picks move boxes (see move_boxes)

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.value_range = aug.value_range_of(name, value_range, sort=False)
        if isinstance(num_ops, bool) or not isinstance(num_ops, numbers.Integral) or num_ops < 0:
            raise ValueError(f"{name}: `num_ops` must be a non-negative integer, received {num_ops!r}")
        self.num_ops = int(num_ops)
        self.factor = aug.keras_factor(name, "factor", factor, (0, 1))
        self.interpolation = aug.check_interpolation(name, interpolation)
        for operation in OPERATIONS:
            setattr(self, operation, _operations.build(operation, self.factor, self.value_range, interpolation, seed,
                                                       kwargs.get("dtype")))

    def draw(self, images):
        picks = torch.randint(0, len(OPERATIONS), (self.num_ops,), generator=self._draw_generator("cpu")).tolist()
        steps = []
        for index in picks:
            layer = getattr(self, OPERATIONS[index])
            steps.append((layer, _operations.draw(layer, images)))
        return {"steps": steps, "input_shape": box_geometry.user_shape(images, self.data_format)}

    def transform(self, images, params):
        for layer, step in params["steps"]:
            images = _operations.apply(layer, images, step)
        return images

    def transform_masks(self, masks, params):
        for layer, step in params["steps"]:
            masks = _operations.apply_to_masks(layer, masks, step)
        return masks

    def move_boxes(self, bounding_boxes, params, height, width):
        """The boxes through the picked operations in the order the images went through them: the
        geometric ones (shear, translation, rotation) move and clip them, the others leave them be.
        (Keras 3.15.1 moves them once per distinct pick, in its list's order rather than the picks'.)"""
        for layer, step in params["steps"]:
            if not layer.boxes_unchanged:
                bounding_boxes, height, width = layer.move_boxes(bounding_boxes, step, height, width)
        return bounding_boxes, height, width

    def get_config(self):
        return aug.keras_config(self, {"value_range": self.value_range, "num_ops": self.num_ops, "factor": self.factor,
                                       "interpolation": self.interpolation, "seed": self.seed})
