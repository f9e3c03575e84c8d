"""`keras.utils.bounding_boxes`: object-detection box arithmetic, on torch tensors.

Boxes are tensors whose last axis holds 4 numbers; the formats say which (case-insensitive):
`xyxy` [left, top, right, bottom], `yxyx`, `xywh` [left, top, width, height], `center_xywh`,
`center_yxhw`, and the relative `rel_xyxy`, `rel_yxyx`, `rel_xywh`, `rel_center_xywh`, whose
coordinates are fractions of the image `height`/`width`. Every conversion goes through `xyxy`.

The functions follow Keras 3.15.1: `convert_format`, `clip_to_image_size` (labels of boxes left with
no area become -1), `crop`/`pad` (shifts and clipping, `xyxy` only), `affine_transform` (a batch of
rotations/translations/scales/shears, the box of the transformed corners), pairwise `compute_iou`,
elementwise `compute_ciou` (Complete IoU), and the anchor delta codecs `encode_box_to_deltas` /
`decode_deltas_to_boxes` used by detection heads.
"""
import math

import numpy as np
import torch

from tkeras.backend import config

SUPPORTED_FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx", "rel_xywh",
                     "rel_center_xywh")


def _tensor(value, dtype=None):
    if isinstance(value, torch.Tensor):
        tensor = value.as_subclass(torch.Tensor) if type(value) is not torch.Tensor else value
        return tensor if dtype is None else tensor.to(dtype)
    tensor = torch.as_tensor(np.asarray(value))
    return tensor if dtype is None else tensor.to(dtype)


def _torch_dtype(dtype):
    return config.standardize_dtype(dtype)


def _split(boxes):
    return boxes[..., 0:1], boxes[..., 1:2], boxes[..., 2:3], boxes[..., 3:4]


def _to_xyxy(boxes, source, height, width):
    a, b, c, d = _split(boxes)
    if source == "xyxy":
        return boxes
    if source == "yxyx":
        return torch.cat([b, a, d, c], dim=-1)
    if source == "xywh":
        return torch.cat([a, b, a + c, b + d], dim=-1)
    if source == "center_xywh":
        return torch.cat([a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0], dim=-1)
    if source == "center_yxhw":
        return torch.cat([b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0], dim=-1)
    if source == "rel_xyxy":
        return torch.cat([a * width, b * height, c * width, d * height], dim=-1)
    if source == "rel_yxyx":
        return torch.cat([b * width, a * height, d * width, c * height], dim=-1)
    if source == "rel_xywh":
        return torch.cat([a * width, b * height, (a + c) * width, (b + d) * height], dim=-1)
    # rel_center_xywh
    return torch.cat([(a - c / 2.0) * width, (b - d / 2.0) * height, (a + c / 2.0) * width,
                      (b + d / 2.0) * height], dim=-1)


def _from_xyxy(boxes, target, height, width):
    x1, y1, x2, y2 = _split(boxes)
    if target == "xyxy":
        return boxes
    if target == "yxyx":
        return torch.cat([y1, x1, y2, x2], dim=-1)
    if target == "xywh":
        return torch.cat([x1, y1, x2 - x1, y2 - y1], dim=-1)
    if target == "center_xywh":
        return torch.cat([x1 + (x2 - x1) / 2.0, y1 + (y2 - y1) / 2.0, x2 - x1, y2 - y1], dim=-1)
    if target == "center_yxhw":
        return torch.cat([y1 + (y2 - y1) / 2.0, x1 + (x2 - x1) / 2.0, y2 - y1, x2 - x1], dim=-1)
    if target == "rel_xyxy":
        return torch.cat([x1 / width, y1 / height, x2 / width, y2 / height], dim=-1)
    if target == "rel_yxyx":
        return torch.cat([y1 / height, x1 / width, y2 / height, x2 / width], dim=-1)
    if target == "rel_xywh":
        return torch.cat([x1 / width, y1 / height, (x2 - x1) / width, (y2 - y1) / height], dim=-1)
    # rel_center_xywh
    return torch.cat([(x1 + (x2 - x1) / 2.0) / width, (y1 + (y2 - y1) / 2.0) / height, (x2 - x1) / width,
                      (y2 - y1) / height], dim=-1)


def convert_format(boxes, source, target, height=None, width=None, dtype="float32"):
    """`boxes` (or the "boxes" of a dict, which is updated and returned) from `source` to `target` format."""
    if isinstance(boxes, dict):
        boxes["boxes"] = convert_format(boxes["boxes"], source, target, height=height, width=width, dtype=dtype)
        return boxes
    boxes = _tensor(boxes)
    if boxes.shape[-1:] != (4,):
        raise ValueError(f"`boxes` must be a tensor with the last dimension of 4. Received: "
                         f"boxes.shape={tuple(boxes.shape)}")
    source, target = source.lower(), target.lower()
    if source not in SUPPORTED_FORMATS or target not in SUPPORTED_FORMATS:
        raise ValueError(f"Invalid source or target format (received source={source!r}, target={target!r}). "
                         f"Supported formats: {SUPPORTED_FORMATS}")
    if (source.startswith("rel_") or target.startswith("rel_")) and (width is None or height is None):
        raise ValueError(f"convert_format() must receive `height` and `width` transforming between relative and "
                         f"absolute formats; received source={source!r}, target={target!r}, height={height}, "
                         f"width={width}")
    boxes = boxes.to(_torch_dtype(dtype))
    if source == target:
        return boxes
    if source.startswith("rel_") and target.startswith("rel_"):  # no image size needed between these
        source, target = source[4:], target[4:]
    return _from_xyxy(_to_xyxy(boxes, source, height, width), target, height, width)


def _area_xyxy(boxes):
    x1, y1, x2, y2 = _split(boxes)
    return (x2 - x1) * (y2 - y1)


def clip_to_image_size(bounding_boxes, height=None, width=None, bounding_box_format="xyxy"):
    """Clip the dict's "boxes" inside the image (`xyxy`: [0, width] x [0, height]; `rel_xyxy`: [0, 1]);
    boxes left without area get label -1. Returns a new dict."""
    if bounding_box_format not in ("xyxy", "rel_xyxy"):
        raise NotImplementedError(f"clip_to_image_size supports bounding_box_format 'xyxy' and 'rel_xyxy'; "
                                  f"received {bounding_box_format!r} (convert_format first)")
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ValueError("`height` and `width` must be set if `format='xyxy'`.")
    boxes = _tensor(bounding_boxes["boxes"])
    labels = bounding_boxes.get("labels")
    high_x, high_y = (width, height) if bounding_box_format == "xyxy" else (1.0, 1.0)
    x1, y1, x2, y2 = _split(boxes)
    boxes = torch.cat([x1.clamp(0, high_x), y1.clamp(0, high_y), x2.clamp(0, high_x), y2.clamp(0, high_y)], dim=-1)
    result = dict(bounding_boxes)
    result["boxes"] = boxes
    if labels is not None:
        labels = _tensor(labels)
        areas = _area_xyxy(boxes).squeeze(-1)
        result["labels"] = torch.where(areas > 0, labels, torch.full_like(labels, -1))
    return result


def crop(boxes, top, left, height, width, bounding_box_format="xyxy"):
    """Boxes as seen in the crop of the image at (`top`, `left`) of size `height` x `width`."""
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"crop supports bounding_box_format='xyxy'; received {bounding_box_format!r}")
    x1, y1, x2, y2 = _split(_tensor(boxes))
    return torch.cat([(x1 - left).clamp(0, width), (y1 - top).clamp(0, height), (x2 - left).clamp(0, width),
                      (y2 - top).clamp(0, height)], dim=-1)


def pad(boxes, top, left, height=None, width=None, bounding_box_format="xyxy"):
    """Boxes as seen in the image padded by `top` rows and `left` columns."""
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"pad supports bounding_box_format='xyxy'; received {bounding_box_format!r}")
    x1, y1, x2, y2 = _split(_tensor(boxes))
    return torch.cat([x1 + left, y1 + top, x2 + left, y2 + top], dim=-1)


def _inverse_affine_matrices(center_x, center_y, angle, translate_x, translate_y, scale, shear_x, shear_y, height,
                             width):
    """(batch, 3, 3): the inverse of each image's rotation/translation/scale/shear about its centre, the
    matrix that maps output pixels back to input pixels, as the image layers sample with it."""
    rotation = -angle * (math.pi / 180.0)
    shear_x, shear_y = -shear_x * (math.pi / 180.0), -shear_y * (math.pi / 180.0)
    cx, cy = center_x * (width - 1), center_y * (height - 1)
    tx, ty = -translate_x * (width - 1), -translate_y * (height - 1)
    a = torch.cos(rotation - shear_y) / torch.cos(shear_y)
    b = a * torch.tan(shear_x) + torch.sin(rotation)
    c = -torch.sin(rotation - shear_y) / torch.cos(shear_y)
    d = torch.cos(rotation) - c * torch.tan(shear_x)
    a0, a1, b0, b1 = d * scale, -b * scale, -c * scale, a * scale
    a2 = cx - a0 * (cx + tx) - a1 * (cy + ty)
    b2 = cy - b0 * (cx + tx) - b1 * (cy + ty)
    zeros, ones = torch.zeros_like(a0), torch.ones_like(a0)
    return torch.stack([a0, a1, a2, b0, b1, b2, zeros, zeros, ones], dim=-1).reshape(-1, 3, 3)


def affine_transform(boxes, angle, translate_x, translate_y, scale, shear_x, shear_y, height, width, center_x=None,
                     center_y=None, bounding_box_format="xyxy"):
    """Each image's boxes (batch, N, 4) after its affine transform (per-image `angle`, shears in degrees,
    translations and centre as fractions of the size): the axis-aligned box around the moved corners."""
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"affine_transform supports bounding_box_format='xyxy'; received "
                                  f"{bounding_box_format!r}")
    angle = _tensor(angle)
    if not angle.is_floating_point():
        angle = angle.to(torch.float32)
    parts = [_tensor(v, angle.dtype) for v in (translate_x, translate_y, scale, shear_x, shear_y)]
    center_x = 0.5 if center_x is None else _tensor(center_x, angle.dtype)
    center_y = 0.5 if center_y is None else _tensor(center_y, angle.dtype)
    matrix = _inverse_affine_matrices(center_x, center_y, angle, *parts, height, width)
    boxes = _tensor(boxes, matrix.dtype)
    if boxes.dim() != 3:
        raise ValueError(f"affine_transform expects batched boxes of shape (batch, N, 4); received shape "
                         f"{tuple(boxes.shape)}")
    x1, y1, x2, y2 = boxes.unbind(-1)
    corners = torch.stack([x1, y1, x2, y1, x2, y2, x1, y2], dim=-1).reshape(*boxes.shape[:2], 4, 2)
    corners = torch.cat([corners, torch.ones_like(corners[..., :1])], dim=-1)  # homogeneous (x, y, 1)
    moved = torch.einsum("bnkc,bdc->bnkd", corners, matrix[:, :2, :])
    return torch.cat([moved.amin(dim=2), moved.amax(dim=2)], dim=-1)


def _pairwise_intersection_yxyx(boxes1, boxes2):
    y_min1, x_min1, y_max1, x_max1 = _split(boxes1)
    y_min2, x_min2, y_max2, x_max2 = (t.transpose(-1, -2) for t in _split(boxes2))
    heights = (torch.minimum(y_max1, y_max2) - torch.maximum(y_min1, y_min2)).clamp_min(0)
    widths = (torch.minimum(x_max1, x_max2) - torch.maximum(x_min1, x_min2)).clamp_min(0)
    return heights * widths


def compute_iou(boxes1, boxes2, bounding_box_format, use_masking=False, mask_val=-1, image_shape=None):
    """Pairwise IoU: (N, 4) x (M, 4) -> (N, M), with a batch axis on either side -> (batch, N, M).
    `use_masking` puts `mask_val` where a box is padding (all its coordinates negative)."""
    boxes1, boxes2 = _tensor(boxes1), _tensor(boxes2)
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if boxes.dim() not in (2, 3):
            raise ValueError(f"compute_iou() expects {name} of shape (N, 4) or (batch, N, 4); received "
                             f"{tuple(boxes.shape)}")
    if "rel" in bounding_box_format and image_shape is None:
        raise ValueError(f"When using relative bounding box formats (e.g. `rel_yxyx`) the `image_shape` argument "
                         f"must be provided. Received `image_shape`: {image_shape}")
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    boxes1 = convert_format(boxes1, bounding_box_format, "yxyx", height=height, width=width)
    boxes2 = convert_format(boxes2, bounding_box_format, "yxyx", height=height, width=width)
    intersection = _pairwise_intersection_yxyx(boxes1, boxes2)
    area1 = ((boxes1[..., 2] - boxes1[..., 0]) * (boxes1[..., 3] - boxes1[..., 1])).unsqueeze(-1)
    area2 = ((boxes2[..., 2] - boxes2[..., 0]) * (boxes2[..., 3] - boxes2[..., 1])).unsqueeze(-2)
    iou = intersection / (area1 + area2 - intersection + config.epsilon())
    if not use_masking:
        return iou
    padding1 = boxes1.amax(dim=-1, keepdim=True) < 0
    padding2 = (boxes2.amax(dim=-1, keepdim=True) < 0).transpose(-1, -2)
    return torch.where(padding1 | padding2, torch.full_like(iou, float(mask_val)), iou)


def compute_ciou(boxes1, boxes2, bounding_box_format, image_shape=None):
    """Complete IoU of corresponding boxes (shapes broadcast): IoU less the normalised centre distance
    and an aspect-ratio term, the quantity CIoU losses use."""
    if "rel" in bounding_box_format:
        raise ValueError(f"compute_ciou(): relative bounding box formats (e.g. `rel_yxyx`) are not supported; "
                         f"convert the boxes to absolute coordinates first. Received `image_shape`: {image_shape}")
    boxes1 = convert_format(_tensor(boxes1), bounding_box_format, "xyxy")
    boxes2 = convert_format(_tensor(boxes2), bounding_box_format, "xyxy")
    eps = config.epsilon()
    x_min1, y_min1, x_max1, y_max1 = _split(boxes1)
    x_min2, y_min2, x_max2, y_max2 = _split(boxes2)
    width1, height1 = x_max1 - x_min1, y_max1 - y_min1 + eps
    width2, height2 = x_max2 - x_min2, y_max2 - y_min2 + eps
    intersection = ((torch.minimum(x_max1, x_max2) - torch.maximum(x_min1, x_min2)).clamp_min(0)
                    * (torch.minimum(y_max1, y_max2) - torch.maximum(y_min1, y_min2)).clamp_min(0))
    union = width1 * height1 + width2 * height2 - intersection + eps
    iou = (intersection / (union + eps)).squeeze(-1)
    convex_width = torch.maximum(x_max1, x_max2) - torch.minimum(x_min1, x_min2)
    convex_height = torch.maximum(y_max1, y_max2) - torch.minimum(y_min1, y_min2)
    diagonal_squared = (convex_width ** 2 + convex_height ** 2 + eps).squeeze(-1)
    centre_distance_squared = (((x_min1 + x_max1) / 2 - (x_min2 + x_max2) / 2) ** 2
                               + ((y_min1 + y_max1) / 2 - (y_min2 + y_max2) / 2) ** 2).squeeze(-1)
    v = ((4 / math.pi ** 2) * (torch.atan(width2 / height2) - torch.atan(width1 / height1)) ** 2).squeeze(-1)
    alpha = v / (v - iou + (1 + eps))
    return iou - (centre_distance_squared / diagonal_squared + v * alpha)


def _check_codec(variance, encoding, argument):
    if variance is not None:
        variance = _tensor(variance, torch.float32)
        if variance.shape[-1:] != (4,):
            raise ValueError(f"`variance` must be length 4, got {variance.tolist()}")
    if encoding not in ("center_xywh", "center_yxhw"):
        raise ValueError(f"`{argument}` should be one of 'center_xywh' or 'center_yxhw', got {encoding!r}")
    return variance


def encode_box_to_deltas(anchors, boxes, anchor_format, box_format, encoding_format="center_yxhw", variance=None,
                         image_shape=None):
    """The offsets (centre shift over the anchor's size, log size ratio) that turn each anchor into its
    box, divided by `variance` when given; in `encoding_format` order."""
    variance = _check_codec(variance, encoding_format, "encoding_format")
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    anchors = convert_format(anchors, anchor_format, encoding_format, height=height, width=width)
    boxes = convert_format(boxes, box_format, encoding_format, height=height, width=width)
    anchor_sizes = anchors[..., 2:].clamp_min(config.epsilon())
    box_sizes = boxes[..., 2:].clamp_min(config.epsilon())
    deltas = torch.cat([(boxes[..., :2] - anchors[..., :2]) / anchor_sizes, torch.log(box_sizes / anchor_sizes)],
                       dim=-1)
    return deltas if variance is None else deltas / variance.to(deltas.device)


def decode_deltas_to_boxes(anchors, boxes_delta, anchor_format, box_format, encoded_format="center_yxhw",
                           variance=None, image_shape=None):
    """The inverse of encode_box_to_deltas: boxes in `box_format` from anchors and deltas (both may be
    dicts of pyramid levels, decoded level by level)."""
    variance = _check_codec(variance, encoded_format, "encoded_format")
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]

    def decode(anchor, delta):
        anchor = convert_format(anchor, anchor_format, encoded_format, height=height, width=width)
        delta = _tensor(delta, anchor.dtype)
        if variance is not None:
            delta = delta * variance.to(delta.device)
        centres = delta[..., :2] * anchor[..., 2:] + anchor[..., :2]
        box = torch.cat([centres, torch.exp(delta[..., 2:]) * anchor[..., 2:]], dim=-1)
        return convert_format(box, encoded_format, box_format, height=height, width=width)

    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {level: decode(anchor, boxes_delta[level]) for level, anchor in anchors.items()}
    return decode(anchors, boxes_delta)
