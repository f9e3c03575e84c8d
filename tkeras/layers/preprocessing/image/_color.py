"""Colour adjustments on (N, C, H, W) images with per-image amounts, as Keras' colour layers compute
them; RandomColorJitter chains the same functions its single-purpose siblings use, so a jitter and
the separate layers agree pixel for pixel."""
import torch

from tkeras.layers.preprocessing.image._augmentation import rescale
from tkeras.ops import image_color


def per_image(values, images):
    """(N,) amounts -> (N, 1, 1, 1) in the images' dtype and device."""
    return values.to(device=images.device, dtype=images.dtype).reshape(-1, 1, 1, 1)


def grayscale(images):
    """(N, 1, H, W) luma of RGB images (ITU-R 601 weights, as Keras)."""
    return image_color.rgb_to_grayscale(images, data_format="channels_first")


def brightness(images, delta, value_range):
    """Add delta (a fraction of the value range) to every pixel, then clip to the range."""
    low, high = value_range
    return torch.clamp(images + per_image(delta, images) * (high - low), low, high)


def contrast(images, factor, value_range):
    """Scale each channel's distance from its mean over the image by factor, then clip."""
    means = images.mean(dim=(2, 3), keepdim=True)
    return torch.clamp((images - means) * per_image(factor, images) + means, *value_range)


def saturation(images, factor, value_range):
    """Multiply HSV saturation by factor and clip it to `value_range`, in the pixels' own scale (as
    Keras: saturation is a ratio, so the scale of the values does not change it)."""
    hsv = image_color.rgb_to_hsv(images, data_format="channels_first")
    hue, sat, value = hsv.unbind(1)
    sat = torch.clamp(sat * per_image(factor, images)[:, 0], *value_range)
    return image_color.hsv_to_rgb(torch.stack([hue, sat, value], 1), data_format="channels_first")


def hue(images, shift, value_range):
    """Turn HSV hue by shift (a fraction of the colour wheel, wrapped once into [0, 1])."""
    unit = rescale(images, value_range, (0, 1))
    hsv = image_color.rgb_to_hsv(unit, data_format="channels_first")
    h, sat, value = hsv.unbind(1)
    h = h + per_image(shift, images)[:, 0]
    h = torch.where(h > 1.0, h - 1.0, h)
    h = torch.where(h < 0.0, h + 1.0, h)
    rgb = image_color.hsv_to_rgb(torch.stack([h, sat, value], 1), data_format="channels_first")
    return rescale(torch.clamp(rgb, 0.0, 1.0), (0, 1), value_range)
