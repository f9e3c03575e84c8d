"""Colour-space ops of `keras.ops.image`: `rgb_to_grayscale`, `rgb_to_hsv`, `hsv_to_rgb` (hue, saturation
and value in [0, 1], as TensorFlow's `tf.image` defines them)."""
import torch

from tkeras.backend import config
from tkeras.ops.core import tensor, user_op

LUMA = (0.2989, 0.5870, 0.1140)  # ITU-R 601 weights, as Keras


def _channel_axis(op, images, data_format):
    x = tensor(images)
    if x.dim() not in (3, 4):
        raise ValueError(f"{op}: 'images' must be 3-D (one image) or 4-D (a batch), received shape "
                         f"{tuple(x.shape)}")
    axis = -1 if (data_format or config.image_data_format()) == "channels_last" else -3
    if x.shape[axis] != 3:
        raise ValueError(f"{op}: 'images' must have 3 channels on axis {axis}, received shape {tuple(x.shape)}")
    return x, axis


@user_op
def rgb_to_grayscale(images, data_format=None):
    x, axis = _channel_axis("rgb_to_grayscale", images, data_format)
    weights = torch.tensor(LUMA, dtype=x.dtype if x.is_floating_point() else torch.float32, device=x.device)
    shape = [1] * x.dim()
    shape[axis] = 3
    gray = torch.sum(x * weights.reshape(shape), dim=axis, keepdim=True)
    return gray if x.is_floating_point() else gray.to(x.dtype)


def _float_images(op, images, data_format):
    x, axis = _channel_axis(op, images, data_format)
    if not x.is_floating_point():
        raise TypeError(f"{op}: 'images' must be a float tensor (values in [0, 1]), received dtype "
                        f"{str(x.dtype).replace('torch.', '')}")
    return x, axis


@user_op
def rgb_to_hsv(images, data_format=None):
    x, axis = _float_images("rgb_to_hsv", images, data_format)
    red, green, blue = x.unbind(axis)
    value = torch.amax(x, dim=axis)
    spread = value - torch.amin(x, dim=axis)
    saturation = torch.where(value > 0, spread / torch.where(value > 0, value, torch.ones_like(value)),
                             torch.zeros_like(value))
    safe = torch.where(spread > 0, spread, torch.ones_like(spread))
    hue = torch.where(value == red, (green - blue) / safe,
                      torch.where(value == green, 2.0 + (blue - red) / safe, 4.0 + (red - green) / safe))
    hue = torch.where(spread > 0, torch.remainder(hue / 6.0, 1.0), torch.zeros_like(hue))
    return torch.stack([hue, saturation, value], dim=axis)


@user_op
def hsv_to_rgb(images, data_format=None):
    x, axis = _float_images("hsv_to_rgb", images, data_format)
    hue, saturation, value = x.unbind(axis)
    offsets = torch.tensor([5.0, 3.0, 1.0], dtype=x.dtype, device=x.device)  # red, green, blue
    shape = [1] * x.dim()
    shape[axis] = 3
    k = torch.remainder(offsets.reshape(shape) + hue.unsqueeze(axis) * 6.0, 6.0)
    ramp = torch.clamp(torch.minimum(k, 4.0 - k), 0.0, 1.0)
    return value.unsqueeze(axis) - value.unsqueeze(axis) * saturation.unsqueeze(axis) * ramp
