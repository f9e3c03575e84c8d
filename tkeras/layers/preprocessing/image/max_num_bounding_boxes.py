"""`MaxNumBoundingBoxes`: every image's bounding boxes cut or padded to exactly `max_number`.

Detection pipelines batch images whose box counts differ; Keras' layer gives the boxes and labels a
fixed second axis (extra boxes dropped from the end, missing ones filled with `fill_value`) and passes
images, labels and segmentation masks through unchanged. Input is Keras' dict form:
`{"images": ..., "bounding_boxes": {"boxes": (batch, n, 4), "labels": (batch, n)}}`, or one image with
`(n, 4)` boxes; boxes may also be ragged Python lists (one list per image).
"""
import numpy as np
import torch
import torch.nn.functional as F

from tkeras.layers.convolutional._conv_utils import normalize_data_format
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing._data_layer import DataLayerMethods


class MaxNumBoundingBoxes(DataLayerMethods, Layer):
    """Make the number of bounding boxes per image exactly `max_number`.

    Args:
        max_number: boxes kept (or padded to) per image.
        fill_value: the value of padded boxes' coordinates and labels. Default -1.
        bounding_box_format: the boxes' format (e.g. "xyxy"); required when boxes are passed, as in Keras.
        data_format: the images' layout (they pass through unchanged).
    """

    def __init__(self, max_number, fill_value=-1, **kwargs):
        # Keras' signature: the image-layer arguments come as keyword arguments.
        bounding_box_format = kwargs.pop("bounding_box_format", None)
        data_format = kwargs.pop("data_format", None)
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)
        self.bounding_box_format = bounding_box_format
        self.data_format = normalize_data_format(data_format, "MaxNumBoundingBoxes")

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, dict) and isinstance(inputs.get("bounding_boxes"), dict):
            inputs = {**inputs, "bounding_boxes": self._densified(inputs["bounding_boxes"])}
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs):
        if not isinstance(inputs, dict):
            _check_image_rank(inputs)
            return inputs
        if "images" not in inputs:
            raise ValueError(f"MaxNumBoundingBoxes: a dict input needs an 'images' entry, received keys "
                             f"{sorted(inputs)}")
        batched = _check_image_rank(inputs["images"])
        outputs = dict(inputs)
        if "bounding_boxes" in inputs:
            if not self.bounding_box_format:
                raise ValueError("MaxNumBoundingBoxes: the input has 'bounding_boxes' but the layer has no "
                                 "`bounding_box_format`; pass one, e.g. bounding_box_format='xyxy'")
            outputs["bounding_boxes"] = self._fixed_count(inputs["bounding_boxes"], batched)
        return outputs

    def _fixed_count(self, bounding_boxes, batched):
        boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
        if not batched:
            boxes, labels = boxes.unsqueeze(0), labels.unsqueeze(0)
        if boxes.dim() != 3 or boxes.shape[-1] != 4 or tuple(labels.shape) != tuple(boxes.shape[:2]):
            raise ValueError(f"MaxNumBoundingBoxes: expected boxes of shape ({'batch, ' if batched else ''}n, 4) and "
                             f"labels of shape ({'batch, ' if batched else ''}n), received "
                             f"{tuple(bounding_boxes['boxes'].shape)} and {tuple(bounding_boxes['labels'].shape)}")
        missing = max(self.max_number - boxes.shape[1], 0)
        boxes = F.pad(boxes[:, :self.max_number], (0, 0, 0, missing), value=self.fill_value)
        labels = F.pad(labels[:, :self.max_number], (0, missing), value=self.fill_value)
        if not batched:
            boxes, labels = boxes.squeeze(0), labels.squeeze(0)
        return {**bounding_boxes, "boxes": boxes, "labels": labels}

    # -- Keras 3's preprocessing-layer methods: nothing random, only the boxes change ------------
    def get_random_transformation(self, data, training=True, seed=None):
        """None: the layer draws nothing (the methods below take the argument for uniformity)."""
        return None

    def transform_images(self, images, transformation=None, training=True):
        return images

    def transform_labels(self, labels, transformation=None, training=True):
        return labels

    def transform_segmentation_masks(self, segmentation_masks, transformation=None, training=True):
        return segmentation_masks

    def transform_bounding_boxes(self, bounding_boxes, transformation=None, training=True):
        """A batch's boxes ("boxes" (N, B, 4), "labels" (N, B)) cut or padded to `max_number`, in
        training and at inference alike."""
        return self._fixed_count(self._as_tensors(bounding_boxes), batched=True)

    def transform_single_image(self, image, transformation=None, training=True):
        return image

    def transform_single_label(self, label, transformation=None, training=True):
        return label

    def transform_single_segmentation_mask(self, segmentation_mask, transformation=None, training=True):
        return segmentation_mask

    def transform_single_bounding_box(self, bounding_box, transformation=None, training=True):
        """One image's boxes ("boxes" (B, 4), "labels" (B,)) cut or padded to `max_number`."""
        return self._fixed_count(self._as_tensors(bounding_box), batched=False)

    def _as_tensors(self, bounding_boxes):
        dense = self._densified(bounding_boxes)
        return {**dense, "boxes": torch.as_tensor(np.asarray(dense["boxes"]) if isinstance(dense["boxes"], list)
                                                  else dense["boxes"]),
                "labels": torch.as_tensor(np.asarray(dense["labels"]) if isinstance(dense["labels"], list)
                                          else dense["labels"])}

    def _densified(self, bounding_boxes):
        """Keras' entry check, and ragged Python lists (a list of boxes per image) padded to one array."""
        if "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
            raise ValueError(f"MaxNumBoundingBoxes: `bounding_boxes` must be a dict with keys 'boxes' and 'labels', "
                             f"received keys {sorted(bounding_boxes)}")
        boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
        if not (isinstance(boxes, list) and boxes and isinstance(boxes[0], list) and boxes[0]
                and isinstance(boxes[0][0], list)):
            return bounding_boxes
        widest = max(self.max_number, max(len(b) for b in boxes))
        dense_boxes = np.full((len(boxes), widest, 4), self.fill_value, dtype="float32")
        dense_labels = np.full((len(boxes), widest), self.fill_value, dtype="int32")
        for index, (image_boxes, image_labels) in enumerate(zip(boxes, labels)):
            if image_boxes:
                dense_boxes[index, :len(image_boxes)] = image_boxes
            dense_labels[index, :len(image_labels)] = image_labels
        return {**bounding_boxes, "boxes": dense_boxes, "labels": dense_labels}

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict) and "bounding_boxes" in input_shape:
            boxes = input_shape["bounding_boxes"]
            shape = dict(input_shape)
            batched = len(boxes["boxes"]) == 3
            count_axis = 1 if batched else 0
            new_boxes = list(boxes["boxes"])
            new_labels = list(boxes["labels"])
            new_boxes[count_axis] = new_labels[count_axis] = self.max_number
            shape["bounding_boxes"] = {**boxes, "boxes": tuple(new_boxes), "labels": tuple(new_labels)}
            return shape
        return input_shape

    def get_config(self):
        config_ = super().get_config()
        config_["data_format"] = self.data_format
        if self.bounding_box_format is not None:
            config_["bounding_box_format"] = self.bounding_box_format
        # Keras 3.15.1 does not write fill_value (and so loses it); tkeras keeps it and Keras reads it back.
        config_.update({"max_number": self.max_number, "fill_value": self.fill_value})
        return config_


def _check_image_rank(images):
    if not isinstance(images, torch.Tensor) or images.dim() not in (3, 4):
        shape = tuple(getattr(images, "shape", ()))
        raise ValueError(f"MaxNumBoundingBoxes: images must have rank 3 (one image) or 4 (a batch), received "
                         f"shape {shape}")
    return images.dim() == 4
