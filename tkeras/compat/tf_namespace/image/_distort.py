"""`sample_distorted_bounding_box`: the random crop of Inception preprocessing, which must keep at least
`min_object_covered` of some labelled box and respect aspect-ratio and area ranges.

The search is TensorFlow's: up to `max_attempts` draws of an aspect ratio and an integer height, a
crop of that size at a random position, accepted if it covers enough of one box; otherwise the whole
image. The random numbers are torch's, so the crops differ from TensorFlow's but obey the same rules.
"""
import math

import torch

from tkeras.compat.tf_namespace._seeds import op_generator, stateless_generator
from tkeras.ops.core import tensor, user_op


def _uniform_int(n, generator):
    return int(torch.randint(0, n, (), generator=generator)) if n > 0 else 0


def _crop(width, height, min_area, max_area, aspect, generator):
    """A (x, y, w, h) crop with area within [min_area, max_area] pixels, or None."""
    size = math.floor(math.sqrt(min_area / aspect) + 0.5)
    largest = math.floor(math.sqrt(max_area / aspect) + 0.5)
    if math.floor(largest * aspect + 0.5) > width:
        largest = int((width + 0.5 - 1e-7) / aspect)
        if math.floor(largest * aspect + 0.5) > width:
            largest -= 1
    largest = min(largest, height)
    size = min(size, largest)
    if size < largest:
        size += _uniform_int(largest - size + 1, generator)
    crop_w = math.floor(size * aspect + 0.5)
    area = crop_w * size
    if area < min_area:
        size += 1
        crop_w = math.floor(size * aspect + 0.5)
        area = crop_w * size
    if area > max_area:
        size -= 1
        crop_w = math.floor(size * aspect + 0.5)
        area = crop_w * size
    if area < min_area or area > max_area or crop_w > width or size > height or crop_w <= 0 or size <= 0:
        return None
    y = _uniform_int(height - size, generator) if size < height else 0
    x = _uniform_int(width - crop_w, generator) if crop_w < width else 0
    return x, y, crop_w, size


def _covers(crop, boxes, fraction):
    x, y, w, h = crop
    if w * h < 1:
        return False
    for bx0, by0, bx1, by1 in boxes:
        area = (bx1 - bx0) * (by1 - by0)
        if area < 1:
            continue
        overlap = max(min(x + w, bx1) - max(x, bx0), 0) * max(min(y + h, by1) - max(y, by0), 0)
        if overlap / area >= fraction:
            return True
    return False


def _sample(image_size, bounding_boxes, generator, min_object_covered, aspect_ratio_range, area_range,
            max_attempts, use_image_if_no_bounding_boxes, api):
    size = [int(v) for v in (image_size.tolist() if hasattr(image_size, "tolist") else image_size)]
    if len(size) != 3 or size[0] <= 0 or size[1] <= 0:
        raise ValueError(f"tf.image.{api}: image_size must be [height, width, channels] with positive sides, "
                         f"received {size}")
    height, width = size[0], size[1]
    boxes = tensor(bounding_boxes).to(torch.float32).reshape(-1, 4).cpu().tolist()
    if not boxes:
        if not use_image_if_no_bounding_boxes:
            raise ValueError(f"tf.image.{api}: No bounding boxes provided as input. One must enable "
                             "use_image_if_no_bounding_boxes=True if inputs have no bounding boxes.")
        boxes = [[0.0, 0.0, 1.0, 1.0]]
    for box in boxes:
        if not all(0.0 <= v <= 1.0 for v in box) or box[0] > box[2] or box[1] > box[3]:
            raise ValueError(f"tf.image.{api}: bounding boxes must be [y_min, x_min, y_max, x_max] within [0, 1], "
                             f"received {box}")
    pixel_boxes = [(int(b[1] * width), int(b[0] * height), int(b[3] * width), int(b[2] * height)) for b in boxes]
    low_aspect, high_aspect = (float(v) for v in aspect_ratio_range)
    low_area, high_area = (float(v) * width * height for v in area_range)
    if low_aspect <= 0 or low_aspect > high_aspect or low_area > high_area:
        raise ValueError(f"tf.image.{api}: invalid aspect_ratio_range {aspect_ratio_range} or area_range "
                         f"{area_range}")
    crop = None
    for _ in range(int(max_attempts)):
        aspect = float(torch.rand((), generator=generator)) * (high_aspect - low_aspect) + low_aspect
        candidate = _crop(width, height, low_area, high_area, aspect, generator)
        if candidate is not None and _covers(candidate, pixel_boxes, float(min_object_covered)):
            crop = candidate
            break
    x, y, w, h = crop if crop is not None else (0, 0, width, height)
    begin = torch.tensor([y, x, 0], dtype=torch.int32)
    extent = torch.tensor([h, w, -1], dtype=torch.int32)
    box = torch.tensor([[[y / height, x / width, (y + h) / height, (x + w) / width]]], dtype=torch.float32)
    return begin, extent, box


@user_op
def sample_distorted_bounding_box(image_size, bounding_boxes, seed=0, min_object_covered=0.1,
                                  aspect_ratio_range=None, area_range=None, max_attempts=None,
                                  use_image_if_no_bounding_boxes=None, name=None):
    """(begin, size, bboxes) for `tf.slice(image, begin, size)` and for drawing the crop."""
    api = "sample_distorted_bounding_box"
    generator = op_generator(f"tf.image.{api}", seed if seed else None, "cpu")
    return _sample(image_size, bounding_boxes, generator, min_object_covered, aspect_ratio_range or (0.75, 1.33),
                   area_range or (0.05, 1.0), max_attempts or 100, use_image_if_no_bounding_boxes, api)


@user_op
def stateless_sample_distorted_bounding_box(image_size, bounding_boxes, seed, min_object_covered=0.1,
                                            aspect_ratio_range=None, area_range=None, max_attempts=None,
                                            use_image_if_no_bounding_boxes=None, name=None):
    api = "stateless_sample_distorted_bounding_box"
    generator = stateless_generator(seed, f"tf.image.{api}", "cpu")
    return _sample(image_size, bounding_boxes, generator, min_object_covered, aspect_ratio_range or (0.75, 1.33),
                   area_range or (0.05, 1.0), max_attempts or 100, use_image_if_no_bounding_boxes, api)
