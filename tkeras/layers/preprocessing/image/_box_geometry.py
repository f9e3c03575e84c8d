"""Where bounding boxes go when the image layers move pixels (Keras 3.15.1's rules).

Every function takes the boxes of a batch as an absolute `xyxy` tensor (N, B, 4) (the layers convert
from and to the user's `bounding_box_format` around them) and per-image parameters of length N, and
returns the boxes in the output image's pixels. `clipped` then keeps them inside the output image and
marks the labels of boxes left without area with -1, the convention of `keras.utils.bounding_boxes`.
"""
import torch

from tkeras.ops.image_sampling import _homography
from tkeras.utils import bounding_boxes as box_utils


def image_size(shape, data_format):
    """(height, width) from an images shape written in the user's layout (batched or not)."""
    shape = tuple(shape)
    if data_format == "channels_first":
        return int(shape[-2]), int(shape[-1])
    return int(shape[-3]), int(shape[-2])


def user_shape(images, data_format):
    """The shape of (N, C, H, W) `images` as the user's layout writes it (Keras' "input_shape")."""
    n, c, h, w = images.shape
    return (n, h, w, c) if data_format == "channels_last" else (n, c, h, w)


def per_image(values, boxes):
    """Parameters of one number per image (any of (N,), (N, 1), a scalar) as (N, 1) in `boxes`' dtype."""
    values = torch.as_tensor(values, device=boxes.device)
    values = values.to(boxes.dtype) if values.dtype != torch.bool else values
    return values.reshape(-1, 1).expand(boxes.shape[0], 1) if values.numel() == 1 else values.reshape(-1, 1)


def clipped(bounding_boxes, height, width):
    return box_utils.clip_to_image_size(bounding_boxes, height=height, width=width, bounding_box_format="xyxy")


def _corners(boxes):
    return boxes.unbind(-1)


def _stack(x1, y1, x2, y2):
    return torch.stack([x1, y1, x2, y2], dim=-1)


def flip(boxes, horizontal, vertical, height, width):
    """Mirror the boxes of the images whose `horizontal` (left-right) / `vertical` flags are set;
    a flag of None means that axis is never flipped."""
    x1, y1, x2, y2 = _corners(boxes)
    if horizontal is not None:
        h = per_image(horizontal, boxes)
        x1, x2 = torch.where(h, width - x2, x1), torch.where(h, width - x1, x2)
    if vertical is not None:
        v = per_image(vertical, boxes)
        y1, y2 = torch.where(v, height - y2, y1), torch.where(v, height - y1, y2)
    return _stack(x1, y1, x2, y2)


def translate(boxes, shifts):
    """Shift each image's boxes by its (dx, dy) in pixels."""
    shifts = torch.as_tensor(shifts, device=boxes.device).to(boxes.dtype).reshape(-1, 2)
    return boxes + shifts.repeat(1, 2)[:, None, :]


def rotate(boxes, angle, height, width):
    """The box around each rotated box (`angle` in degrees, about the image centre, as the images turn)."""
    angle = torch.as_tensor(angle, device=boxes.device).to(torch.float64).reshape(-1)
    zeros, ones = torch.zeros_like(angle), torch.ones_like(angle)
    moved = box_utils.affine_transform(boxes.to(torch.float64), angle, zeros, zeros, ones, zeros, zeros, height, width)
    return moved.to(boxes.dtype)


def zoom(boxes, zoom_x, zoom_y, height, width):
    """Zoom about the centre: the part of the input that stays in view, [start, start + zoom * size)
    on each axis, stretched back to the full size; what falls outside is clipped to its edge."""
    zoom_x, zoom_y = per_image(zoom_x, boxes), per_image(zoom_y, boxes)
    x_start = (width - 1) / 2.0 * (1.0 - zoom_x)
    y_start = (height - 1) / 2.0 * (1.0 - zoom_y)
    x_span, y_span = zoom_x * width, zoom_y * height
    x1, y1, x2, y2 = _corners(boxes)

    def along(value, start, span, size):
        inside = torch.minimum(torch.maximum(value, start), start + span)
        return ((inside - start) / span).clamp(0.0, 1.0) * size

    return _stack(along(x1, x_start, x_span, width), along(y1, y_start, y_span, height),
                  along(x2, x_start, x_span, width), along(y2, y_start, y_span, height))


def shear(boxes, factors):
    """The box around each sheared box: the image reads its input at (x + sx * y, y + sy * x), so a
    corner moves by (-sx * y, -sy * x); the corners that bound the result depend on the signs."""
    factors = torch.as_tensor(factors, device=boxes.device).to(boxes.dtype).reshape(-1, 2)
    sx, sy = factors[:, 0:1], factors[:, 1:2]
    x1, y1, x2, y2 = _corners(boxes)
    x1 = torch.where(sx < 0, x1 - sx * y1, x1 - sx * y2)
    x2 = torch.where(sx < 0, x2 - sx * y2, x2 - sx * y1)
    y1 = torch.where(sy > 0, y1 - sy * x2, y1 - sy * x1)
    y2 = torch.where(sy > 0, y2 - sy * x1, y2 - sy * x2)
    return _stack(x1, y1, x2, y2)


def perspective(boxes, start_points, end_points, apply):
    """The box around each box's four corners sent through the perspective warp that takes
    `start_points` to `end_points`, for the images where `apply` is set."""
    to_input = _homography(start_points, end_points, torch.float64, boxes.device)  # output -> input
    matrix = torch.cat([to_input, torch.ones_like(to_input[:, :1])], dim=1).reshape(-1, 3, 3)
    to_output = torch.linalg.inv(matrix)
    x1, y1, x2, y2 = _corners(boxes.to(torch.float64))
    xs = torch.stack([x1, x2, x1, x2], dim=-1)  # (N, B, 4 corners)
    ys = torch.stack([y1, y1, y2, y2], dim=-1)
    points = torch.stack([xs, ys, torch.ones_like(xs)], dim=-1)  # (N, B, 4, 3)
    moved = torch.einsum("nij,nbkj->nbki", to_output, points)
    out_x, out_y = moved[..., 0] / moved[..., 2], moved[..., 1] / moved[..., 2]
    warped = _stack(out_x.amin(-1), out_y.amin(-1), out_x.amax(-1), out_y.amax(-1)).to(boxes.dtype)
    apply = torch.as_tensor(apply, device=boxes.device).reshape(-1, 1, 1).bool()
    return torch.where(apply, warped, boxes)


def resize(boxes, in_height, in_width, height, width, mode="stretch"):
    """Boxes of an in_height x in_width image resized to height x width: `mode` 'stretch' scales each
    axis, 'crop' scales to cover the target and cuts the centre, 'pad' scales to fit inside it and
    centres (Keras' rounding of the offsets: down to whole pixels)."""
    x1, y1, x2, y2 = _corners(boxes)
    if mode == "stretch":
        sx, sy, left, top = width / in_width, height / in_height, 0.0, 0.0
    elif mode == "crop":
        source, target = in_width / in_height, width / height
        new_width, new_height = (height * source, height) if source > target else (width, width / source)
        sx, sy = new_width / in_width, new_height / in_height
        left, top = -((new_width - width) // 2), -((new_height - height) // 2)
    else:  # pad
        sx = sy = min(height / in_height, width / in_width)
        left, top = (width - in_width * sx) // 2, (height - in_height * sy) // 2
    return _stack(x1 * sx + left, y1 * sy + top, x2 * sx + left, y2 * sy + top)


def window(boxes, top, left, height, width):
    """Boxes as seen in the (height, width) window at (top, left) of each image (per-image offsets
    allowed): shifted and kept within the window."""
    top, left = per_image(top, boxes), per_image(left, boxes)
    x1, y1, x2, y2 = _corners(boxes)
    return _stack((x1 - left).clamp(0, width), (y1 - top).clamp(0, height), (x2 - left).clamp(0, width),
                  (y2 - top).clamp(0, height))


def center_crop(boxes, in_height, in_width, height, width):
    """CenterCrop's boxes: the centred window when the image is large enough, else the centred
    window of the target's aspect ratio stretched to the target size."""
    if in_height >= height and in_width >= width:
        return window(boxes, (in_height - height) // 2, (in_width - width) // 2, height, width)
    crop_height = max(min(in_height, int(in_width * height / width)), 1)
    crop_width = max(min(in_width, int(in_height * width / height)), 1)
    top, left = int((in_height - crop_height) / 2), int((in_width - crop_width) / 2)
    cut = window(boxes, top, left, crop_height, crop_width)
    return resize(cut, crop_height, crop_width, height, width)


def map_points(transform, x, y):
    """Where the projective maps `transform` (N, 8): a0, a1, a2, b0, b1, b2, c0, c1, or (N, 6) without
    the perspective terms) send the point (x, y): two (N, 1) tensors."""
    transform = torch.as_tensor(transform)
    if transform.shape[-1] == 6:
        transform = torch.cat([transform, torch.zeros_like(transform[..., :2])], dim=-1)
    a0, a1, a2, b0, b1, b2, c0, c1 = transform.split(1, dim=-1)
    scale = c0 * x + c1 * y + 1
    return (a0 * x + a1 * y + a2) / scale, (b0 * x + b1 * y + b2) / scale


def _offsets(values, boxes):
    """One offset per image ((N,), (N, 1) or a scalar) shaped to broadcast over `boxes`' coordinates."""
    values = torch.as_tensor(values, device=boxes.device).to(boxes.dtype)
    return values.reshape(-1, 1) if boxes.dim() == 3 else values.reshape(-1)


def shift(boxes, dx, dy):
    """Boxes ((N, B, 4), or (B, 4) with scalar offsets) moved by -(dx, dy): the boxes of an image whose
    origin moved to (dx, dy)."""
    x1, y1, x2, y2 = _corners(boxes)
    dx, dy = _offsets(dx, boxes), _offsets(dy, boxes)
    return _stack(x1 - dx, y1 - dy, x2 - dx, y2 - dy)


def clamp_window(boxes, x_start, y_start, x_end, y_end):
    """Boxes kept within each image's [x_start, x_end] x [y_start, y_end] and written relative to the
    window's top-left corner."""
    x1, y1, x2, y2 = _corners(boxes)
    x_start, x_end = _offsets(x_start, boxes), _offsets(x_end, boxes)
    y_start, y_end = _offsets(y_start, boxes), _offsets(y_end, boxes)

    def inside(value, start, end):
        return torch.minimum(torch.maximum(value, start), end) - start

    return _stack(inside(x1, x_start, x_end), inside(y1, y_start, y_end), inside(x2, x_start, x_end),
                  inside(y2, y_start, y_end))
