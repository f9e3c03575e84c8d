"""`CenterCrop`: the central (height, width) window of each image, for models trained on crops.

An image smaller than the target on either side cannot be cropped; as Keras does, it is then
resized to the target after cropping to the target's aspect ratio, so the layer always yields the
size the next layer expects.
"""
import torch

from tkeras.backend import config
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.saving.config_compat import in_keras_order


class CenterCrop(ops.ImageTransformMethods, Layer):
    """Crop the centre (height, width) of every image; the offset rounds down when the margin is odd.

    Args:
        height, width: the output size.
        data_format: 'channels_last' (default from `keras.config.image_data_format()`) or 'channels_first'.
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        bounding_box_format = kwargs.pop("bounding_box_format", None)  # Keras takes it through **kwargs
        super().__init__(**kwargs)
        name = type(self).__name__
        self.height, self.width = ops.check_size(name, height, width)
        self.data_format = ops.standardize_data_format(name, data_format)
        self.bounding_box_format = ops.check_box_format(name, bounding_box_format)

    applies_at_inference = True  # Keras' transform_images crops whatever `training` says

    def call(self, inputs):
        if isinstance(inputs, dict):
            return self._call_dict(inputs, True)
        dtype = config.standardize_dtype(self.compute_dtype)
        images, layout = ops.to_nchw(type(self).__name__, inputs, self.data_format, dtype)
        return ops.from_nchw(self.transform(images, None), layout)

    def transform(self, images, params, interpolation="bilinear"):  # (N, C, H, W)
        height, width = images.shape[-2:]
        if height >= self.height and width >= self.width:
            return ops.center_crop(images, self.height, self.width)
        return ops.resize(images, (self.height, self.width), interpolation, crop_to_aspect_ratio=True)

    def draw(self, images):
        """Keras' transformation: the images' shape, all the boxes need."""
        return {"input_shape": box_geometry.user_shape(images, self.data_format)}

    def _box_geometry(self, boxes, height, width):
        return box_geometry.center_crop(boxes, height, width, self.height, self.width)

    def transform_masks(self, masks, params):
        return self.transform(masks.to(torch.float32), params, "nearest").to(masks.dtype)

    def move_boxes(self, bounding_boxes, params, height, width):
        moved = self._box_geometry(bounding_boxes["boxes"], height, width)
        moved = box_geometry.clipped({**bounding_boxes, "boxes": moved}, self.height, self.width)
        return moved, self.height, self.width

    def compute_output_shape(self, input_shape):
        return ops.with_spatial_size(input_shape, self.data_format, self.height, self.width)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"height": self.height, "width": self.width, "data_format": self.data_format})
        return ops.with_box_format(in_keras_order(config_, ("name", "trainable", "dtype", "data_format", "height",
                                                            "width")), self.bounding_box_format)
