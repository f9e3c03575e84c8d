"""`RandomCrop`: a random (height, width) window of each training image.

Training on random windows and predicting on the centred one is the classic crop augmentation; as
in Keras, inference (and images too small to crop) resizes to the target after cropping the centre
to its aspect ratio, so the output size is the same in training and inference.
"""
import torch

from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.saving.config_compat import in_keras_order


class RandomCrop(ops.RandomImageLayer):
    """Crop each image at a random offset, drawn per image, to (height, width).

    Args:
        height, width: the output size.
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    supports_jit = False  # as Keras 3 reports for its geometric random layers

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height, self.width = ops.check_size(type(self).__name__, height, width)

    def draw(self, images):
        """Keras' structure: a (top, left) pair of crop offsets (tkeras: one per image, (N,) each)."""
        n, _, height, width = images.shape
        if height < self.height or width < self.width:
            return None
        # Offsets in [0, margin], one per image.
        top = torch.floor(self.uniform((n,), 0.0, 1.0, device=images.device) * (height - self.height + 1)).long()
        left = torch.floor(self.uniform((n,), 0.0, 1.0, device=images.device) * (width - self.width + 1)).long()
        return top, left

    def transform(self, images, params, interpolation="bilinear"):  # (N, C, H, W)
        n, _, height, width = images.shape
        if params is None or height < self.height or width < self.width:
            return ops.resize(images, (self.height, self.width), interpolation, crop_to_aspect_ratio=True)
        top, left = (torch.as_tensor(p, device=images.device).long().reshape(-1).expand(n) for p in params)
        # Gathered with index arithmetic (no Python loop).
        rows = top[:, None] + torch.arange(self.height, device=images.device)  # (N, height)
        cols = left[:, None] + torch.arange(self.width, device=images.device)  # (N, width)
        batch = torch.arange(n, device=images.device)[:, None, None]
        cropped = images.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]  # (N, h, w, C)
        return cropped.permute(0, 3, 1, 2)

    def transform_masks(self, masks, params):
        return self.transform(masks.to(torch.float32), params, "nearest").to(masks.dtype)

    def infer(self, images):
        return ops.resize(images, (self.height, self.width), crop_to_aspect_ratio=True)

    def infer_masks(self, masks):
        return self.transform_masks(masks, None)

    def box_image_size(self, transformation):
        return None, None  # Keras' (top, left) pair does not say; only a resize (None) would need it

    def move_boxes(self, bounding_boxes, params, height, width):
        if params is None or (height is not None and (height < self.height or width < self.width)):
            return self.infer_boxes(bounding_boxes, height, width)
        top, left = params
        moved = box_geometry.window(bounding_boxes["boxes"], top, left, self.height, self.width)
        moved = box_geometry.clipped({**bounding_boxes, "boxes": moved}, self.height, self.width)
        return moved, self.height, self.width

    def infer_boxes(self, bounding_boxes, height, width):
        if height is None:
            raise ValueError("RandomCrop: without crop offsets the boxes follow a resize of the images, whose size "
                             "the transformation does not give; pass the images through the layer instead")
        moved = box_geometry.resize(bounding_boxes["boxes"], height, width, self.height, self.width, "crop")
        moved = box_geometry.clipped({**bounding_boxes, "boxes": moved}, self.height, self.width)
        return moved, self.height, self.width

    def compute_output_shape(self, input_shape):
        return ops.with_spatial_size(input_shape, self.data_format, self.height, self.width)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"height": self.height, "width": self.width})
        return in_keras_order(config_, ("name", "trainable", "dtype", "data_format", "height", "width", "seed"))
