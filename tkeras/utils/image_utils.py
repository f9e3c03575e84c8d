"""Image files <-> NumPy arrays: `load_img`, `img_to_array`, `array_to_img`, `save_img`.

Tutorials read a picture, turn it into an array for `model.predict`, and write arrays back out to look
at them. Pillow does the decoding and encoding; it is an optional dependency (tkeras itself never needs
it), so it is imported on first use and a missing install says how to get it.
"""
import io
import pathlib
import warnings

import numpy as np

from tkeras.backend import config

# Pillow's resampling filters under the names Keras accepts for `interpolation`.
_PIL_FILTERS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
_PIL_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}


def pil_image():
    """The `PIL.Image` module, or an ImportError that names the package to install."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Reading and writing images needs Pillow, which is not installed: "
                          "pip install pillow") from None
    return Image


def _open(path):
    image_module = pil_image()
    if isinstance(path, io.BytesIO):
        return image_module.open(path)
    if isinstance(path, (str, bytes, pathlib.Path)):
        # Read the bytes first so the file handle is closed before the image is used.
        with open(path, "rb") as handle:
            return image_module.open(io.BytesIO(handle.read()))
    raise TypeError(f"load_img: `path` should be a path (str or pathlib.Path) or an io.BytesIO, "
                    f"received {type(path).__name__}")


def _resample_filter(image_module, interpolation):
    if interpolation not in _PIL_FILTERS:
        raise ValueError(f"load_img: `interpolation` must be one of {_PIL_FILTERS}, received {interpolation!r}")
    filters = getattr(image_module, "Resampling", image_module)  # Pillow >= 9.1 moved the constants
    return getattr(filters, interpolation.upper())


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """A PIL image from a file (or BytesIO), converted to `color_mode` and resized to `target_size`.

    `target_size` is (height, width), as everywhere in Keras, while Pillow speaks (width, height).
    `keep_aspect_ratio=True` resizes the largest centred crop that has the target's aspect ratio, so
    faces are not squashed. 16/32-bit grayscale images stay as they are under 'grayscale' (as Keras).
    """
    if color_mode not in _PIL_MODES:
        raise ValueError(f"load_img: `color_mode` must be 'grayscale', 'rgb' or 'rgba', received {color_mode!r}")
    image_module = pil_image()
    image = _open(path)
    if color_mode == "grayscale":
        if image.mode not in ("L", "I;16", "I"):
            image = image.convert("L")
    elif image.mode != _PIL_MODES[color_mode]:
        image = image.convert(_PIL_MODES[color_mode])
    if target_size is None:
        return image
    size = (int(target_size[1]), int(target_size[0]))
    if image.size == size:
        return image
    resample = _resample_filter(image_module, interpolation)
    if not keep_aspect_ratio:
        return image.resize(size, resample)
    width, height = image.size
    crop_height = min(height, width * size[1] // size[0])
    crop_width = min(width, height * size[0] // size[1])
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return image.resize(size, resample, box=(left, top, left + crop_width, top + crop_height))


def img_to_array(img, data_format=None, dtype=None):
    """A PIL image (or anything array-like) as a (height, width, channels) array; grayscale gets a
    channel axis of 1 so that it stacks with colour images into a 4-D batch."""
    data_format = config.standardize_data_format(data_format, "img_to_array")
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError(f"img_to_array expects a 2-D (grayscale) or 3-D image, received shape {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A (height, width, 1|3|4) array as a PIL image ('L', 'RGB' or 'RGBA').

    `scale=True` stretches the array's own range onto 0-255, which is what makes a float array in
    [0, 1] (or a normalized one) viewable; pass `scale=False` for arrays already in 0-255.
    """
    image_module = pil_image()
    data_format = config.standardize_data_format(data_format, "array_to_img")
    x = np.array(x, dtype=dtype or config.floatx())  # a copy: scaling must not touch the caller's array
    if x.ndim != 3:
        raise ValueError(f"array_to_img expects one image of rank 3 (height, width, channels), "
                         f"received shape {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        peak = np.max(x)
        if peak != 0:
            x = x / peak
        x = x * 255
    channels = x.shape[2]
    if channels in (3, 4):
        return image_module.fromarray(x.astype("uint8"), "RGBA" if channels == 4 else "RGB")
    if channels == 1:
        if np.max(x) > 255:  # deeper than 8 bits: keep it as a 32-bit integer image
            return image_module.fromarray(x[:, :, 0].astype("int32"), "I")
        return image_module.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img expects 1, 3 or 4 channels, received {channels} (shape {x.shape})")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write an array as an image file; the format comes from `file_format` or the file's suffix.

    JPEG has no alpha channel, so an RGBA array saved as JPEG loses it (with a warning).
    """
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:] or None
    if file_format is not None and file_format.lower() == "jpg":
        file_format = "jpeg"  # Pillow only knows the format as JPEG
    image = array_to_img(x, data_format=data_format, scale=scale)
    if image.mode == "RGBA" and file_format is not None and file_format.lower() == "jpeg":
        warnings.warn("save_img: JPEG cannot store an alpha channel; the RGBA image is saved as RGB", stacklevel=2)
        image = image.convert("RGB")
    image.save(path, format=file_format, **kwargs)
