"""`Resizing`: images of any size -> one fixed (height, width), inside the model.

Putting the resize in the model (rather than in the input pipeline) lets a saved model take images
of any size at serving time. Sampling follows `tf.image.resize` (half-pixel centres, no antialiasing
unless asked), so a model trained in Keras sees the same pixels here.
"""
import torch

from tkeras.backend import config
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.saving.config_compat import in_keras_order


class Resizing(ops.ImageTransformMethods, Layer):
    """Resize to (height, width); optionally crop or pad to the target aspect ratio first.

    Args:
        height, width: the output size.
        interpolation: 'bilinear' (default), 'nearest', 'bicubic' or 'area'.
        crop_to_aspect_ratio: take the largest centred box with the target's aspect ratio first, so
            the content is not stretched (some border is lost).
        pad_to_aspect_ratio: pad evenly with `fill_value` to the target's aspect ratio first instead.
        fill_mode, fill_value: how the padding is filled; only 'constant' exists, as in Keras.
        antialias: low-pass filter when downsampling (bilinear and bicubic only).
        data_format: 'channels_last' (default from `keras.config.image_data_format()`) or 'channels_first'.

    Example: `Resizing(180, 180, crop_to_aspect_ratio=True)` before a CNN that needs 180x180 inputs.
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
                 data_format=None, **kwargs):
        bounding_box_format = kwargs.pop("bounding_box_format", None)  # Keras takes it through **kwargs
        super().__init__(**kwargs)
        name = type(self).__name__
        self.height, self.width = ops.check_size(name, height, width)
        self.interpolation = ops.check_choice(name, "interpolation", interpolation, ops.INTERPOLATIONS)
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(f"{name}: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True")
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = ops.check_choice(name, "fill_mode", fill_mode, ("constant",))
        self.fill_value = float(fill_value)
        self.antialias = bool(antialias)
        self.data_format = ops.standardize_data_format(name, data_format)
        self.bounding_box_format = ops.check_box_format(name, bounding_box_format)

    applies_at_inference = True  # Keras' transform_images resizes whatever `training` says

    def call(self, inputs):
        if isinstance(inputs, dict):
            return self._call_dict(inputs, True)
        dtype = config.standardize_dtype(self.compute_dtype)
        images, layout = ops.to_nchw(type(self).__name__, inputs, self.data_format, dtype)
        return ops.from_nchw(self.transform(images, None), layout)

    def transform(self, images, params, interpolation=None):  # (N, C, H, W)
        return ops.resize(images, (self.height, self.width), interpolation or self.interpolation,
                          self.crop_to_aspect_ratio, self.pad_to_aspect_ratio, self.fill_value, self.antialias)

    def box_image_size(self, transformation):
        """Keras' transformation is the input's (height, width); tkeras' own is None (it needs none)."""
        if isinstance(transformation, (tuple, list)) and len(transformation) == 2:
            return int(transformation[0]), int(transformation[1])
        raise ValueError("Resizing: transform_bounding_boxes needs the input images' size as the transformation, "
                         "a (height, width) pair")

    def _box_geometry(self, boxes, height, width):
        mode = "pad" if self.pad_to_aspect_ratio else "crop" if self.crop_to_aspect_ratio else "stretch"
        return box_geometry.resize(boxes, height, width, self.height, self.width, mode)

    def transform_masks(self, masks, params):
        return self.transform(masks.to(torch.float32), params, "nearest").to(masks.dtype)

    def _moved_boxes(self, bounding_boxes, params, height, width, inference=False):
        # As in Keras, padding boxes (all zeros or all -1, as the user wrote them) come out as zeros.
        raw = torch.as_tensor(bounding_boxes["boxes"])
        padding = ((raw == -1).all(-1) | (raw == 0).all(-1))[..., None]
        moved = super()._moved_boxes(bounding_boxes, params, height, width, inference)
        moved["boxes"] = torch.where(padding.to(moved["boxes"].device), torch.zeros_like(moved["boxes"]),
                                     moved["boxes"])
        return moved

    def move_boxes(self, bounding_boxes, params, height, width):
        moved = self._box_geometry(bounding_boxes["boxes"], height, width)
        moved = box_geometry.clipped({**bounding_boxes, "boxes": moved}, self.height, self.width)
        return moved, self.height, self.width

    def compute_output_shape(self, input_shape):
        return ops.with_spatial_size(input_shape, self.data_format, self.height, self.width)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"height": self.height, "width": self.width, "interpolation": self.interpolation,
                        "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                        "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                        "fill_value": self.fill_value, "antialias": self.antialias,
                        "data_format": self.data_format})
        config_ = in_keras_order(config_, ("name", "trainable", "dtype", "data_format", "height", "width",
                                           "interpolation", "crop_to_aspect_ratio", "pad_to_aspect_ratio",
                                           "fill_mode", "fill_value", "antialias"))  # Keras 3's order
        return ops.with_box_format(config_, self.bounding_box_format)
