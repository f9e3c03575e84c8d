"""The file and array helpers of `keras.preprocessing.image`: `load_img` (tf-keras 2's signature, with
its `grayscale=` flag), `img_to_array`, `array_to_img`, `save_img` (shared with `keras.utils`) and
`smart_resize` (resize to a size after cropping the centre to its aspect ratio, so nothing is squashed).
Pillow is optional and imported on first use.
"""
import importlib

import numpy as np

from tkeras.utils.image_utils import array_to_img, img_to_array, save_img
from tkeras.utils.image_utils import load_img as _load_img


def pil_module(name):
    """`PIL.<name>` (Image, ImageEnhance), or an ImportError that names the package to install."""
    try:
        return importlib.import_module(f"PIL.{name}")
    except ImportError:
        raise ImportError(f"This image operation needs Pillow (PIL.{name}), which is not installed: "
                          f"pip install pillow") from None


def load_img(path, grayscale=False, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """A PIL image read from `path`; `grayscale=True` is Keras 2's spelling of color_mode='grayscale'
    (a string in that place is Keras 3's positional `color_mode`)."""
    if isinstance(grayscale, str):
        color_mode = grayscale
    elif grayscale:
        color_mode = "grayscale"
    return _load_img(path, color_mode=color_mode, target_size=target_size, interpolation=interpolation,
                     keep_aspect_ratio=keep_aspect_ratio)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """One image (3-D) or a batch (4-D) resized to `size` = (height, width) after cropping the largest
    centred box with the target's aspect ratio. NumPy in, NumPy out; a tensor stays a tensor."""
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {sorted(kwargs)}")
    if len(size) != 2:
        raise ValueError(f"smart_resize: 'size' must be 2 integers (height, width), received {size!r}")
    from tkeras.ops import image
    was_numpy = not hasattr(x, "detach")
    img = np.asarray(x) if was_numpy else x
    if len(img.shape) not in (3, 4):
        raise ValueError(f"smart_resize: expected an image (height, width, channels) or a batch (batch, height, "
                         f"width, channels), received shape {tuple(img.shape)}")
    height, width = (img.shape[-3], img.shape[-2]) if data_format == "channels_last" else img.shape[-2:]
    target_height, target_width = size
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    top, left = int(float(height - crop_height) / 2), int(float(width - crop_width) / 2)
    rows, cols = slice(top, top + crop_height), slice(left, left + crop_width)
    crop = img[..., rows, cols, :] if data_format == "channels_last" else img[..., rows, cols]
    if was_numpy:
        crop = np.ascontiguousarray(crop)
    out = image.resize(crop, size, interpolation=interpolation, data_format=data_format)
    return np.asarray(out.detach().cpu().numpy()) if was_numpy else out


__all__ = ["array_to_img", "img_to_array", "load_img", "pil_module", "save_img", "smart_resize"]
