"""Keras 3's public box helpers of RandomShear, RandomTranslation and RandomZoom, over `_box_geometry`.

Keras defines them on those layers to move bounding boxes with the layers' affine maps; tkeras' layers
move boxes with `_box_geometry` directly, and these give the same answers for callers of Keras' names.
The boxes come as a dict whose "boxes" are absolute `xyxy` (N, B, 4) (or (B, 4)); the dict returned is a
copy with new "boxes".
"""
import torch

from tkeras.layers.preprocessing.image import _box_geometry as box_geometry


def _boxes_of(bounding_boxes):
    boxes = torch.as_tensor(bounding_boxes["boxes"])
    return boxes if boxes.is_floating_point() else boxes.to(torch.float32)


def get_transformed_x_y(self, x, y, transform):
    """Where each image's output-to-input map `transform` ((N, 8) as Keras writes affine and
    projective maps, or (N, 6)) sends the point (x, y): (x', y'), each of shape (N, 1)."""
    return box_geometry.map_points(transform, x, y)


def get_shifted_bbox(self, bounding_boxes, w_shift_factor, h_shift_factor):
    """The boxes with `w_shift_factor` taken from their x and `h_shift_factor` from their y
    coordinates (one value per image, e.g. the (N, 1) results of `get_transformed_x_y`)."""
    return {**bounding_boxes, "boxes": box_geometry.shift(_boxes_of(bounding_boxes), w_shift_factor,
                                                          h_shift_factor)}


def get_clipped_bbox(self, bounding_boxes, h_end, h_start, w_end, w_start):
    """The boxes clipped to each image's window [w_start, w_end] x [h_start, h_end] (values per
    image) and measured from the window's top-left corner."""
    return {**bounding_boxes, "boxes": box_geometry.clamp_window(_boxes_of(bounding_boxes), w_start, h_start,
                                                                 w_end, h_end)}
