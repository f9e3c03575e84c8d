"""`tf.image` flips, rotations, crops and pads: index operations that keep the image's dtype.

Each works on one (H, W, C) image or an (N, H, W, C) batch; boxes are given in pixels from the top-left
corner, and TensorFlow's argument checks come with its wording.
"""
import torch
import torch.nn.functional as F

from tkeras.compat.tf_namespace.image._common import as_images, spatial_axes
from tkeras.ops.core import user_op


@user_op
def flip_left_right(image):
    x = as_images(image, "flip_left_right")
    return torch.flip(x, dims=(spatial_axes(x)[1],))


@user_op
def flip_up_down(image):
    x = as_images(image, "flip_up_down")
    return torch.flip(x, dims=(spatial_axes(x)[0],))


@user_op
def rot90(image, k=1, name=None):
    """Rotates by `k` quarter turns counter-clockwise (negative `k` turns clockwise)."""
    x = as_images(image, "rot90")
    return torch.rot90(x, int(k) % 4, dims=spatial_axes(x))


@user_op
def transpose(image, name=None):
    """Swaps height and width (a reflection across the main diagonal)."""
    x = as_images(image, "transpose")
    return x.transpose(*spatial_axes(x))


def _check(condition, api, message):
    if not condition:
        raise ValueError(f"tf.image.{api}: {message}")


def crop_box(x, top, left, height, width, api):
    """The (height, width) box at (top, left) of an image or a batch, with TensorFlow's checks."""
    h_axis, w_axis = spatial_axes(x)
    _check(top >= 0, api, f"offset_height must be >= 0, received {top}")
    _check(left >= 0, api, f"offset_width must be >= 0, received {left}")
    _check(height > 0, api, f"target_height must be > 0, received {height}")
    _check(width > 0, api, f"target_width must be > 0, received {width}")
    _check(x.shape[h_axis] >= top + height, api,
           f"height must be >= target + offset ({x.shape[h_axis]} < {height} + {top})")
    _check(x.shape[w_axis] >= left + width, api,
           f"width must be >= target + offset ({x.shape[w_axis]} < {width} + {left})")
    return x.narrow(h_axis, top, height).narrow(w_axis, left, width)


def pad_box(x, top, left, height, width, api):
    """The image placed at (top, left) on a zero canvas of (height, width), with TensorFlow's checks."""
    h_axis, w_axis = spatial_axes(x)
    bottom, right = height - top - x.shape[h_axis], width - left - x.shape[w_axis]
    _check(top >= 0, api, f"offset_height must be >= 0, received {top}")
    _check(left >= 0, api, f"offset_width must be >= 0, received {left}")
    _check(bottom >= 0, api, f"height must be <= target - offset ({x.shape[h_axis]} > {height} - {top})")
    _check(right >= 0, api, f"width must be <= target - offset ({x.shape[w_axis]} > {width} - {left})")
    return F.pad(x, (0, 0, left, right, top, bottom))


@user_op
def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    x = as_images(image, "crop_to_bounding_box")
    return crop_box(x, int(offset_height), int(offset_width), int(target_height), int(target_width),
                    "crop_to_bounding_box")


@user_op
def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    x = as_images(image, "pad_to_bounding_box")
    return pad_box(x, int(offset_height), int(offset_width), int(target_height), int(target_width),
                   "pad_to_bounding_box")


@user_op
def resize_with_crop_or_pad(image, target_height, target_width):
    """Centre-crops the sides that are too long and zero-pads the ones that are too short."""
    x = as_images(image, "resize_with_crop_or_pad")
    target_height, target_width = int(target_height), int(target_width)
    height, width = (x.shape[a] for a in spatial_axes(x))
    cropped = crop_box(x, max(-(target_height - height) // 2, 0), max(-(target_width - width) // 2, 0),
                       min(target_height, height), min(target_width, width), "resize_with_crop_or_pad")
    return pad_box(cropped, max((target_height - height) // 2, 0), max((target_width - width) // 2, 0),
                   target_height, target_width, "resize_with_crop_or_pad")


@user_op
def central_crop(image, central_fraction):
    """The centred region holding `central_fraction` of each side (TensorFlow's rounding of the offsets)."""
    fraction = float(central_fraction)
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"tf.image.central_crop: central_fraction must be within (0, 1], received {fraction}")
    x = as_images(image, "central_crop")
    if fraction == 1.0:
        return x
    h_axis, w_axis = spatial_axes(x)
    height, width = x.shape[h_axis], x.shape[w_axis]
    top, left = int((height - height * fraction) / 2), int((width - width * fraction) / 2)
    return x.narrow(h_axis, top, height - 2 * top).narrow(w_axis, left, width - 2 * left)
