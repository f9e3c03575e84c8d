"""JPEG re-encoding augmentations and the remaining file decoders (BMP, GIF, WebP, JPEG header reads),
through Pillow.

`adjust_jpeg_quality` round-trips an image through a JPEG encoder, as TensorFlow does, so the artefacts
are real compression artefacts; Pillow's libjpeg may differ from TensorFlow's by a grey level here and
there. Float images come back as float in [0, 1].
"""
import io

import torch

from tkeras.compat.tf_namespace._seeds import op_generator, stateless_generator
from tkeras.compat.tf_namespace.image._codecs import _JPEG_START, _contents, _decode, _encode, decode_frames
from tkeras.compat.tf_namespace.image._common import as_images, convert_dtype
from tkeras.ops.core import to_torch_dtype, user_op
from tkeras.utils.image_utils import pil_image


def _requality(x, quality, api):
    if x.shape[-1] not in (1, 3):
        raise ValueError(f"tf.image.{api}: `image` must have 1 or 3 channels, received shape {tuple(x.shape)}")
    quality = int(quality)
    if not 0 <= quality <= 100:
        raise ValueError(f"tf.image.{api}: jpeg_quality must be in [0, 100], received {quality}")
    pixels = convert_dtype(x, torch.uint8)
    data = _encode(pixels, api, "JPEG", quality=quality)
    return convert_dtype(_decode(data, x.shape[-1], api).to(x.device), x.dtype)


def _each(x, quality_of, api):
    if x.dim() == 3:
        return _requality(x, quality_of(0), api)
    return torch.stack([_requality(image, quality_of(i), api) for i, image in enumerate(x)])


@user_op
def adjust_jpeg_quality(image, jpeg_quality, dct_method="", name=None):
    """The image after JPEG compression at `jpeg_quality` (0-100), in its own dtype."""
    x = as_images(image, "adjust_jpeg_quality")
    return _each(x, lambda _: jpeg_quality, "adjust_jpeg_quality")


def _random_quality(image, low, high, generator, api):
    low, high = int(low), int(high)
    if low < 0 or high > 100 or low >= high:
        raise ValueError(f"tf.image.{api}: need 0 <= min_jpeg_quality < max_jpeg_quality <= 100, received "
                         f"{low} and {high}")
    x = as_images(image, api)
    quality = int(torch.randint(low, high, (), generator=generator))  # one quality for the whole call
    return _each(x, lambda _: quality, api)


@user_op
def random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed=None):
    generator = op_generator("tf.image.random_jpeg_quality", seed, "cpu")
    return _random_quality(image, min_jpeg_quality, max_jpeg_quality, generator, "random_jpeg_quality")


@user_op
def stateless_random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed):
    generator = stateless_generator(seed, "tf.image.stateless_random_jpeg_quality", "cpu")
    return _random_quality(image, min_jpeg_quality, max_jpeg_quality, generator, "stateless_random_jpeg_quality")


def _opened(contents, api):
    picture = pil_image().open(io.BytesIO(_contents(contents, api)))
    return picture


def is_jpeg(contents, name=None):
    """True for data starting with the JPEG start-of-image marker (the bytes are not decoded)."""
    return _contents(contents, "is_jpeg").startswith(_JPEG_START)


@user_op
def extract_jpeg_shape(contents, output_type=torch.int32, name=None):
    """(height, width, channels) read from the JPEG header without decoding the pixels."""
    if not is_jpeg(contents):
        raise ValueError("tf.image.extract_jpeg_shape: Not a valid JPEG file")
    picture = _opened(contents, "extract_jpeg_shape")
    shape = [picture.height, picture.width, len(picture.getbands())]
    return torch.tensor(shape, dtype=to_torch_dtype(output_type))


@user_op
def decode_and_crop_jpeg(contents, crop_window, channels=0, ratio=1, fancy_upscaling=True,
                         try_recover_truncated=False, acceptable_fraction=1, dct_method="", name=None):
    """Decodes then crops to `crop_window` = [y, x, height, width] (which must lie inside the image)."""
    image = _decode(contents, channels, "decode_and_crop_jpeg", formats=("JPEG",))
    window = crop_window.tolist() if hasattr(crop_window, "tolist") else list(crop_window)
    y, x, height, width = (int(v) for v in window)
    if y < 0 or x < 0 or height <= 0 or width <= 0 or y + height > image.shape[0] or x + width > image.shape[1]:
        raise ValueError(f"tf.image.decode_and_crop_jpeg: Invalid JPEG data or crop window, data size "
                         f"{list(image.shape)}, crop window {window}")
    return image[y:y + height, x:x + width].clone()


@user_op
def decode_bmp(contents, channels=0, name=None):
    return _decode(contents, channels, "decode_bmp", formats=("BMP",))


@user_op
def decode_webp(contents, channels=0, expand_animations=True, name=None):
    return _decode(contents, channels, "decode_webp", formats=("WEBP",))


@user_op
def decode_gif(contents, name=None):
    """Every frame as uint8 (frames, height, width, 3): a still GIF, PNG or JPEG gives one frame."""
    return decode_frames(contents, "decode_gif")
