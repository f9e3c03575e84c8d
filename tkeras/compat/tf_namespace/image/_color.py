"""`tf.image` colour conversions and adjustments.

The adjustments work in float (integer images are scaled to [0, 1] first) and hand back the input's
dtype, saturating at its range; HSV uses TensorFlow's conventions (hue in [0, 1), 0 for greys).
"""
import torch

from tkeras.compat.tf_namespace.image._common import as_images, convert_dtype, in_float
from tkeras.ops.core import tensor, user_op

_GRAY_WEIGHTS = (0.2989, 0.587, 0.114)  # TensorFlow's luma weights (ITU-R BT.601, rounded)


def _rgb(images, api, argument="image"):
    x = as_images(images, api, argument=argument, ranks=range(1, 9))
    if x.shape[-1] != 3:
        raise ValueError(f"tf.image.{api}: the last axis of `{argument}` must hold 3 channels (RGB), "
                         f"received shape {tuple(x.shape)}")
    return x


@user_op
def rgb_to_grayscale(images, name=None):
    """One channel of luma, (..., 3) -> (..., 1), in the input's dtype."""
    x = _rgb(images, "rgb_to_grayscale", "images")
    weights = torch.tensor(_GRAY_WEIGHTS, dtype=torch.float32, device=x.device)
    gray = (convert_dtype(x, torch.float32) * weights).sum(dim=-1, keepdim=True)
    return convert_dtype(gray, x.dtype)


@user_op
def grayscale_to_rgb(images, name=None):
    x = as_images(images, "grayscale_to_rgb", argument="images", ranks=range(2, 9))
    if x.shape[-1] != 1:
        raise ValueError(f"tf.image.grayscale_to_rgb: the last axis of `images` must have size 1, "
                         f"received shape {tuple(x.shape)}")
    return x.expand(*x.shape[:-1], 3).clone()


def hsv_of(rgb):
    """(..., 3) float RGB -> (hue, saturation, value), each (...)."""
    value, _ = rgb.max(dim=-1)
    chroma = value - rgb.min(dim=-1).values
    red, green, blue = rgb.unbind(-1)
    safe = torch.where(chroma > 0, chroma, torch.ones_like(chroma))
    hue = torch.where(value == red, (green - blue) / safe,
                      torch.where(value == green, 2.0 + (blue - red) / safe, 4.0 + (red - green) / safe))
    hue = torch.where(chroma > 0, torch.remainder(hue / 6.0, 1.0), torch.zeros_like(hue))
    saturation = torch.where(value > 0, chroma / torch.where(value > 0, value, torch.ones_like(value)),
                             torch.zeros_like(value))
    return hue, saturation, value


def rgb_of(hue, saturation, value):
    """(hue, saturation, value) -> (..., 3) RGB: each channel a clipped piecewise-linear function of hue."""
    sector = hue * 6.0
    red = torch.clamp(torch.abs(sector - 3.0) - 1.0, 0.0, 1.0)
    green = torch.clamp(2.0 - torch.abs(sector - 2.0), 0.0, 1.0)
    blue = torch.clamp(2.0 - torch.abs(sector - 4.0), 0.0, 1.0)
    channels = torch.stack((red, green, blue), dim=-1)
    return ((1.0 - saturation)[..., None] + saturation[..., None] * channels) * value[..., None]


@user_op
def rgb_to_hsv(images, name=None):
    x = _rgb(images, "rgb_to_hsv", "images")
    if not x.is_floating_point():
        raise TypeError(f"tf.image.rgb_to_hsv: `images` must be float, received {x.dtype} "
                        "(use tf.image.convert_image_dtype first)")
    return torch.stack(hsv_of(x), dim=-1)


@user_op
def hsv_to_rgb(images, name=None):
    x = _rgb(images, "hsv_to_rgb", "images")
    if not x.is_floating_point():
        raise TypeError(f"tf.image.hsv_to_rgb: `images` must be float, received {x.dtype}")
    return rgb_of(*x.unbind(-1))


def _factor(value, like):
    return tensor(value).to(device=like.device, dtype=like.dtype)


def brightness(x, delta):
    return in_float(x, lambda f: f + _factor(delta, f))


def contrast(x, factor):
    """Each channel of each image moved away from (factor > 1) or towards its own mean."""
    def adjust(f):
        mean = f.mean(dim=(-3, -2), keepdim=True)
        return (f - mean) * _factor(factor, f) + mean
    return in_float(x, adjust)


def saturation(x, factor):
    def adjust(f):
        hue, sat, value = hsv_of(f)
        return rgb_of(hue, torch.clamp(sat * _factor(factor, f), 0.0, 1.0), value)
    return in_float(x, adjust)


def hue(x, delta):
    def adjust(f):
        h, sat, value = hsv_of(f)
        return rgb_of(torch.remainder(h + _factor(delta, f), 1.0), sat, value)
    return in_float(x, adjust)


@user_op
def adjust_brightness(image, delta):
    """Adds `delta` to every pixel, in the [0, 1] scale for integer images."""
    return brightness(as_images(image, "adjust_brightness", ranks=range(0, 9)), delta)


@user_op
def adjust_contrast(images, contrast_factor):
    return contrast(as_images(images, "adjust_contrast", argument="images", ranks=range(3, 9)), contrast_factor)


@user_op
def adjust_gamma(image, gamma=1, gain=1):
    """`gain * image ** gamma` in the [0, 1] scale."""
    if float(gamma) < 0:
        raise ValueError(f"tf.image.adjust_gamma: gamma should be a non-negative real number, received {gamma}")
    x = as_images(image, "adjust_gamma", ranks=range(0, 9))
    return in_float(x, lambda f: _factor(gain, f) * f ** _factor(gamma, f))


@user_op
def adjust_saturation(image, saturation_factor, name=None):
    return saturation(_rgb(image, "adjust_saturation"), saturation_factor)


@user_op
def adjust_hue(image, delta, name=None):
    """Rotates the hue by `delta` turns of the colour wheel (`delta` in [-1, 1])."""
    if not -1.0 <= float(delta) <= 1.0:
        raise ValueError(f"tf.image.adjust_hue: delta must be in the interval [-1, 1], received {delta}")
    return hue(_rgb(image, "adjust_hue"), delta)


@user_op
def per_image_standardization(image):
    """Each image scaled to mean 0 and variance 1 over all its pixels and channels; the deviation is kept
    at least 1/sqrt(number of values), so a flat image does not divide by zero. Returns float32."""
    x = as_images(image, "per_image_standardization", ranks=range(3, 9)).to(torch.float32)
    values = x.shape[-3] * x.shape[-2] * x.shape[-1]
    mean = x.mean(dim=(-3, -2, -1), keepdim=True)
    deviation = x.std(dim=(-3, -2, -1), keepdim=True, correction=0)
    return (x - mean) / torch.clamp(deviation, min=values ** -0.5)
