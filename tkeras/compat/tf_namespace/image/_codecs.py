"""`tf.image.decode_*` / `encode_*` (also under `tf.io`): image files <-> uint8 tensors, via Pillow (JPEGs
with TensorFlow's default fast IDCT and chroma filtering, see utils/jpeg_tensorflow_pixels).

A file's contents travel as bytes (what `tf.io.read_file` returns, and what a tf.data element holds);
decoding gives (height, width, channels), channels from the file unless `channels` asks for 1
(grayscale), 3 (RGB) or 4 (RGBA).
"""
import io

import numpy as np
import torch

from tkeras.compat.tf_namespace.image._common import as_images, convert_dtype
from tkeras.data.text_face import BytesScalar
from tkeras.ops.core import to_torch_dtype, user_op
from tkeras.utils.decoder_grayscale import decoder_grayscale
from tkeras.utils.image_utils import pil_image
from tkeras.utils.jpeg_tensorflow_pixels import decode_like_tensorflow

_MODES = {1: "L", 3: "RGB", 4: "RGBA"}
_JPEG_START = b"\xff\xd8\xff"  # the start-of-image marker every JPEG file begins with


def _contents(value, api):
    if isinstance(value, torch.Tensor):
        raise TypeError(f"tf.image.{api}: `contents` must be the bytes of an image file (tf.io.read_file), "
                        f"received a {value.dtype} tensor")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, str):
        raise TypeError(f"tf.image.{api}: `contents` must be the bytes of an image file, received a str "
                        f"({value[:40]!r}); read the file first with tf.io.read_file(path)")
    if not isinstance(value, (bytes, np.bytes_)):
        raise TypeError(f"tf.image.{api}: `contents` must be the bytes of an image file, received "
                        f"{type(value).__name__}")
    return bytes(value)


# TensorFlow's PNG, JPEG and GIF decoders are one kernel that reads whichever of these formats the bytes
# hold, so `decode_png` of a JPEG file decodes it; BMP and WebP only have decoders of their own.
SHARED_FORMATS = ("PNG", "JPEG", "GIF")


def _opened(contents, api, formats):
    try:
        picture = pil_image().open(io.BytesIO(_contents(contents, api)))
        picture.load()
    except OSError as error:
        raise ValueError(f"tf.image.{api}: the contents are not a readable image: {error}") from None
    if formats and picture.format not in formats:
        raise ValueError(f"tf.image.{api}: expected {' or '.join(formats)} data, received {picture.format}")
    return picture


def _checked_channels(picture, channels, api):
    channels = int(channels or 0)
    if channels not in (0, 1, 3, 4):
        raise ValueError(f"tf.image.{api}: `channels` must be 0, 1, 3 or 4, received {channels}")
    if picture.format == "GIF" and channels not in (0, 3):
        raise ValueError(f"tf.image.{api}: channels must be 0 or 3 for GIF, received {channels}")
    return channels


def _pixels(picture, channels):
    if channels == 1 and picture.format == "PNG" and picture.mode != "L":
        gray = decoder_grayscale(picture)  # libpng's own colour-to-gray weights, as TensorFlow asks for
        if gray is not None:
            return torch.from_numpy(gray.astype(np.uint8))
    if not channels and picture.format == "PNG" and picture.mode == "LA":
        return torch.from_numpy(np.array(picture, dtype=np.uint8))  # gray + alpha: two channels, as in the file
    if channels:
        picture = picture.convert(_MODES[channels])
    elif picture.format == "GIF":
        picture = picture.convert("RGB")  # a GIF decodes to RGB, whatever its palette holds
    elif picture.mode not in ("L", "RGB", "RGBA"):
        picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
    array = np.array(picture, dtype=np.uint8)  # a writable copy
    return torch.from_numpy(array[..., None] if array.ndim == 2 else array)


def _frame_count(picture):
    return getattr(picture, "n_frames", 1) if picture.format == "GIF" else 1


def _tensorflow_jpeg(contents, channels, api, formats, fancy_upscaling, dct_method):
    """A JPEG's pixels as TensorFlow's decoder gives them (see utils/jpeg_tensorflow_pixels), or None to
    let Pillow decode it: other formats, files that module does not reproduce, and unreadable data
    (Pillow's path reports the error)."""
    if formats and "JPEG" not in formats:
        return None
    if int(channels or 0) not in (0, 1, 3):
        return None
    data = _contents(contents, api)
    if not data.startswith(_JPEG_START):
        return None  # not a JPEG: Pillow's path opens it once, not a second time here
    try:
        array = decode_like_tensorflow(lambda: pil_image().open(io.BytesIO(data)), int(channels or 0),
                                       bool(fancy_upscaling), str(dct_method or "").upper() != "INTEGER_ACCURATE")
    except (OSError, ValueError, SyntaxError):
        return None
    return None if array is None else torch.from_numpy(np.ascontiguousarray(array))


def _decode(contents, channels, api, formats=None, fancy_upscaling=True, dct_method=""):
    """One (height, width, channels) image; an animated GIF is refused, as TensorFlow's still decoders do."""
    image = _tensorflow_jpeg(contents, channels, api, formats, fancy_upscaling, dct_method)
    if image is not None:
        return image
    picture = _opened(contents, api, formats)
    channels = _checked_channels(picture, channels, api)
    if _frame_count(picture) > 1:
        raise ValueError(f"tf.image.{api}: got {_frame_count(picture)} frames, but animated GIFs can only be "
                         "decoded by tf.io.decode_gif or tf.io.decode_image")
    return _pixels(picture, channels)


def decode_frames(contents, api, formats=SHARED_FORMATS):
    """Every frame as uint8 (frames, height, width, 3); a still image of any shared format is one frame."""
    picture = _opened(contents, api, formats)
    frames = []
    for index in range(_frame_count(picture)):
        picture.seek(index)
        frames.append(_pixels(picture.convert("RGB"), 3))
    return torch.stack(frames)


@user_op
def decode_image(contents, channels=None, dtype=torch.uint8, name=None, expand_animations=True):
    """Any image file Pillow reads; a float `dtype` scales to [0, 1] (as convert_image_dtype). A GIF gives
    (frames, height, width, 3) unless `expand_animations=False` asks for its first frame alone."""
    image = _tensorflow_jpeg(contents, channels, "decode_image", None, True, "")
    if image is not None:
        return convert_dtype(image, to_torch_dtype(dtype))
    picture = _opened(contents, "decode_image", None)
    channels = _checked_channels(picture, channels, "decode_image")
    if picture.format == "GIF":
        image = decode_frames(contents, "decode_image") if expand_animations else _pixels(picture, channels)
    else:
        image = _pixels(picture, channels)
    return convert_dtype(image, to_torch_dtype(dtype))


@user_op
def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                acceptable_fraction=1, dct_method="", name=None):
    if ratio != 1:
        raise ValueError(f"tf.image.decode_jpeg: only ratio=1 is supported in tkeras, received {ratio}")
    return _decode(contents, channels, "decode_jpeg", formats=SHARED_FORMATS, fancy_upscaling=fancy_upscaling,
                   dct_method=dct_method)


@user_op
def decode_png(contents, channels=0, dtype=torch.uint8, name=None):
    return convert_dtype(_decode(contents, channels, "decode_png", formats=SHARED_FORMATS), to_torch_dtype(dtype))


def _encode(image, api, format_, **options):
    x = as_images(image, api, ranks=(3,))
    if x.dtype != torch.uint8:
        raise TypeError(f"tf.image.{api}: `image` must be uint8, received {x.dtype} "
                        "(use tf.image.convert_image_dtype(image, tf.uint8) first)")
    if x.shape[-1] not in _MODES:
        raise ValueError(f"tf.image.{api}: `image` must have 1, 3 or 4 channels, received shape {tuple(x.shape)}")
    array = x.detach().cpu().numpy()
    picture = pil_image().fromarray(array[..., 0] if array.shape[-1] == 1 else array, _MODES[array.shape[-1]])
    buffer = io.BytesIO()
    picture.save(buffer, format=format_, **options)
    return BytesScalar(buffer.getvalue())


def encode_png(image, compression=-1, name=None):
    """PNG file bytes of a uint8 (height, width, channels) image."""
    return _encode(image, "encode_png", "PNG", compress_level=6 if compression < 0 else int(compression))


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False, chroma_downsampling=True,
                density_unit="in", x_density=300, y_density=300, xmp_metadata="", name=None):  # noqa: A002
    """JPEG file bytes of a uint8 (height, width, 1 or 3 channels) image."""
    return _encode(image, "encode_jpeg", "JPEG", quality=int(quality), progressive=bool(progressive),
                   subsampling=2 if chroma_downsampling else 0)
