"""`RandomFlip`: mirror each training image with probability 1/2, the cheapest augmentation there is.

Horizontal flips suit most photographs (a cat facing left is still a cat); vertical ones suit
images without an up, such as microscopy or satellite tiles.
"""
import torch

from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.saving.config_compat import in_keras_order

_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(ops.RandomImageLayer):
    """Flip each image left-right and/or top-bottom, each with probability 1/2, chosen per image.

    Args:
        mode: 'horizontal', 'vertical' or 'horizontal_and_vertical' (the two flips drawn independently).
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.

    Example: `keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])`.
    """

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = ops.check_choice(type(self).__name__, "mode", mode, _MODES)
        self.horizontal = "horizontal" in self.mode  # tf-keras
        self.vertical = "vertical" in self.mode

    def draw(self, images):
        """Keras' keys: `flips` (N, 1, 1, 1) booleans. tkeras draws the two flips of
        'horizontal_and_vertical' independently: the vertical one goes under `vertical_flips`
        (a transformation without it, such as Keras', flips both axes by `flips`)."""
        n = images.shape[0]
        draws = {}
        for key, wanted in (("flips", "horizontal"), ("vertical_flips", "vertical")):
            if wanted in self.mode:
                draws[key] = (self.uniform((n,), 0.0, 1.0, device=images.device) < 0.5)[:, None, None, None]
        if "flips" not in draws:
            draws["flips"] = draws.pop("vertical_flips")
        draws["input_shape"] = box_geometry.user_shape(images, self.data_format)
        return draws

    def transform(self, images, params):  # (N, C, H, W)
        if params is None:
            return images
        flips = torch.as_tensor(params["flips"], device=images.device).reshape(-1, 1, 1, 1)
        vertical = torch.as_tensor(params.get("vertical_flips", flips), device=images.device).reshape(-1, 1, 1, 1)
        if "horizontal" in self.mode:
            images = torch.where(flips, images.flip(3), images)
        if "vertical" in self.mode:
            images = torch.where(vertical if self.mode != "vertical" else flips, images.flip(2), images)
        return images

    transform_masks = transform

    def move_boxes(self, bounding_boxes, params, height, width):
        flips = torch.as_tensor(params["flips"]).reshape(-1)
        vertical = torch.as_tensor(params.get("vertical_flips", flips)).reshape(-1)
        horizontal = flips if "horizontal" in self.mode else None
        if "vertical" in self.mode:
            vertical = flips if self.mode == "vertical" else vertical
        else:
            vertical = None
        moved = {**bounding_boxes,
                 "boxes": box_geometry.flip(bounding_boxes["boxes"], horizontal, vertical, height, width)}
        return box_geometry.clipped(moved, height, width), height, width

    def get_config(self):
        config_ = super().get_config()
        config_["mode"] = self.mode
        return in_keras_order(config_, ("name", "trainable", "dtype", "data_format", "seed", "mode"))  # Keras 3's order
