"""Box-driven image functions: `crop_and_resize` (the ROI-align of Faster R-CNN tutorials),
`draw_bounding_boxes`, and the random crops of Inception-style preprocessing
(`sample_distorted_bounding_box`).

Boxes are [y1, x1, y2, x2] normalised so that 0 and 1 are the *centres* of the first and last pixels
(TensorFlow's crop_and_resize convention, hence the (size - 1) factors); y1 > y2 flips the crop.
"""
import numpy as np
import torch

from tkeras.compat.tf_namespace.image._common import as_images
from tkeras.ops.core import tensor, user_op

_DEFAULT_COLORS = [[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1], [0.5, 0.5, 0, 1],
                   [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1]]


def _sample_positions(start, end, size, count):
    """float32 source coordinates of `count` samples between box edges `start` and `end` (per box)."""
    size_m1 = torch.tensor(float(size - 1), dtype=torch.float32)
    if count > 1:
        scale = (end - start) * size_m1 / torch.tensor(float(count - 1), dtype=torch.float32)
        steps = torch.arange(count, dtype=torch.float32, device=start.device)
        return start[:, None] * size_m1 + steps[None, :] * scale[:, None]
    return (0.5 * (start + end) * size_m1)[:, None]


@user_op
def crop_and_resize(image, boxes, box_indices, crop_size, method="bilinear", extrapolation_value=0.0, name=None):
    """float32 (num_boxes, crop_height, crop_width, channels) crops; samples outside the image take
    `extrapolation_value`."""
    api = "crop_and_resize"
    x = as_images(image, api, ranks=(4,)).to(torch.float32)
    b = tensor(boxes).to(torch.float32).to(x.device)
    indices = tensor(box_indices).to(torch.int64).to(x.device)
    if b.dim() != 2 or b.shape[-1] != 4:
        raise ValueError(f"tf.image.{api}: boxes must be 2-D [num_boxes, 4], received shape {tuple(b.shape)}")
    if indices.dim() != 1 or indices.shape[0] != b.shape[0]:
        raise ValueError(f"tf.image.{api}: box_index has incompatible shape {tuple(indices.shape)} for "
                         f"{b.shape[0]} boxes")
    size = crop_size.tolist() if hasattr(crop_size, "tolist") else list(crop_size)
    if len(size) != 2 or min(size) <= 0:
        raise ValueError(f"tf.image.{api}: crop_size must be two positive integers, received {size}")
    if method not in ("bilinear", "nearest"):
        raise ValueError(f"tf.image.{api}: method must be 'bilinear' or 'nearest', received {method!r}")
    if bool(((indices < 0) | (indices >= x.shape[0])).any()):
        raise ValueError(f"tf.image.{api}: box_index has values outside [0, batch_size) = [0, {x.shape[0]})")
    crop_h, crop_w = int(size[0]), int(size[1])
    height, width = x.shape[1], x.shape[2]
    ys = _sample_positions(b[:, 0], b[:, 2], height, crop_h)  # (n, crop_h)
    xs = _sample_positions(b[:, 1], b[:, 3], width, crop_w)  # (n, crop_w)
    outside = (((ys < 0) | (ys > height - 1))[:, :, None] | ((xs < 0) | (xs > width - 1))[:, None, :])
    source = x[indices]  # (n, h, w, c)
    rows = torch.arange(b.shape[0], device=x.device)[:, None, None]
    if method == "nearest":  # C's round: halves go away from zero
        yi = torch.where(ys >= 0, torch.floor(ys + 0.5), torch.ceil(ys - 0.5)).long().clamp(0, height - 1)
        xi = torch.where(xs >= 0, torch.floor(xs + 0.5), torch.ceil(xs - 0.5)).long().clamp(0, width - 1)
        out = source[rows, yi[:, :, None], xi[:, None, :]]
    else:
        top, left = torch.floor(ys), torch.floor(xs)
        dy, dx = (ys - top)[:, :, None, None], (xs - left)[:, None, :, None]
        t = top.long().clamp(0, height - 1)[:, :, None]
        bt = torch.ceil(ys).long().clamp(0, height - 1)[:, :, None]
        lf = left.long().clamp(0, width - 1)[:, None, :]
        rt = torch.ceil(xs).long().clamp(0, width - 1)[:, None, :]
        upper = source[rows, t, lf] + (source[rows, t, rt] - source[rows, t, lf]) * dx
        lower = source[rows, bt, lf] + (source[rows, bt, rt] - source[rows, bt, lf]) * dx
        out = upper + (lower - upper) * dy
    return torch.where(outside[..., None], torch.full_like(out, float(extrapolation_value)), out)


@user_op
def draw_bounding_boxes(images, boxes, colors, name=None):
    """One-pixel box outlines on float images (batch, height, width, 1/3/4), cycling through `colors`
    (RGBA rows; TensorFlow's ten-colour table when `colors` is None or empty)."""
    api = "draw_bounding_boxes"
    x = as_images(images, api, argument="images", ranks=(4,))
    if not x.is_floating_point():
        raise TypeError(f"tf.image.{api}: `images` must be float16 or float32, received {x.dtype}")
    depth = x.shape[-1]
    if depth not in (1, 3, 4):
        raise ValueError(f"tf.image.{api}: Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA)")
    b = tensor(boxes).to(torch.float32).detach().cpu()
    if b.dim() != 3 or b.shape[-1] != 4 or b.shape[0] != x.shape[0]:
        raise ValueError(f"tf.image.{api}: boxes must be (batch, num_boxes, 4) with the images' batch, received "
                         f"shape {tuple(b.shape)}")
    table = _DEFAULT_COLORS if colors is None else tensor(colors).to(torch.float32).detach().cpu().tolist()
    if not table:
        table = _DEFAULT_COLORS
    if any(len(row) < depth for row in table):
        raise ValueError(f"tf.image.{api}: colors must have at least {depth} channels per row")
    canvas = x.clone()
    height, width = x.shape[1], x.shape[2]
    for batch in range(b.shape[0]):
        for number, box in enumerate(b[batch].tolist()):
            color = torch.tensor(table[number % len(table)][:depth], dtype=x.dtype, device=x.device)
            f32 = np.float32
            top, bottom = int(f32(box[0]) * f32(height - 1)), int(f32(box[2]) * f32(height - 1))
            left, right = int(f32(box[1]) * f32(width - 1)), int(f32(box[3]) * f32(width - 1))
            if top > bottom or left > right:
                continue  # an inverted box is skipped, as TensorFlow does
            if top >= height or bottom < 0 or left >= width or right < 0:
                continue
            top_c, bottom_c = max(top, 0), min(bottom, height - 1)
            left_c, right_c = max(left, 0), min(right, width - 1)
            if top >= 0:
                canvas[batch, top, left_c:right_c + 1] = color
            if bottom < height:
                canvas[batch, bottom, left_c:right_c + 1] = color
            if left >= 0:
                canvas[batch, top_c:bottom_c + 1, left] = color
            if right < width:
                canvas[batch, top_c:bottom_c + 1, right] = color
    return canvas
