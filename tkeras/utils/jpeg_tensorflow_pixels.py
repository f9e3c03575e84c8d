"""JPEG pixels as TensorFlow's decoder gives them by default.

`tf.io.decode_jpeg` asks libjpeg for its fast integer IDCT (`dct_method=""` means INTEGER_FAST) with
"fancy" (triangle-filtered) chroma upsampling. Pillow's ordinary decode uses the accurate IDCT, so its
pixels differ from TensorFlow's by about one level on average (up to ~20 at sharp colour edges): a
model fed `tf.io.decode_jpeg` images in a tutorial saw TensorFlow's values.

Pillow reaches the fast IDCT only in its draft mode, which also turns fancy upsampling off. So the
components are decoded in draft mode without colour conversion (YCbCr, chroma merely replicated), the
subsampled chroma planes are read back from that replication, and libjpeg's own fancy upsampling and
fixed-point YCbCr -> RGB conversion are applied here, integer step by integer step, which reproduces
libjpeg's output exactly. Files this does not cover (CMYK, Adobe RGB, unusual sampling) return None and
the caller decodes them with Pillow's ordinary path. (`decoder_grayscale` does the luma-only part of
this for image_dataset_from_directory's grayscale mode.)
"""
import numpy as np

_SCALE_BITS = 16
_ONE_HALF = 1 << (_SCALE_BITS - 1)


def _fix(value):
    return int(value * (1 << _SCALE_BITS) + 0.5)


def _colour_tables():
    """libjpeg's YCbCr -> RGB lookup tables (jdcolor.c), indexed by the 8-bit chroma value."""
    x = np.arange(256, dtype=np.int64) - 128
    cr_to_r = (_fix(1.40200) * x + _ONE_HALF) >> _SCALE_BITS
    cb_to_b = (_fix(1.77200) * x + _ONE_HALF) >> _SCALE_BITS
    cr_to_g = -_fix(0.71414) * x
    cb_to_g = -_fix(0.34414) * x + _ONE_HALF
    green = (cb_to_g[:, None] + cr_to_g[None, :]) >> _SCALE_BITS  # indexed [Cb, Cr]
    return cr_to_r.astype(np.int16), cb_to_b.astype(np.int16), green.astype(np.int16)


_TABLES = _colour_tables()


def _draft_decode(picture, mode, fast_idct=True):
    """The file's samples in `mode` ('YCbCr', 'L' or 'RGB') at full size; with `fast_idct`, through libjpeg's
    fast IDCT and without fancy upsampling."""
    picture.draft(mode, picture.size)
    picture.decoderconfig = (1, int(fast_idct))  # (scale, draft): draft selects JDCT_FASTEST in Pillow's decoder
    picture.load()
    if picture.mode != mode:
        return None
    array = np.asarray(picture, dtype=np.uint8)
    return array.astype(np.int16)


def _fancy_rows(plane, height):
    """Upsample a chroma plane 2x vertically as libjpeg's h1v2 filter: each output row weighs its own
    sample row 3:1 against the nearer neighbour row (edges repeat), rounding up on the lower row."""
    above = np.concatenate([plane[:1], plane[:-1]])
    below = np.concatenate([plane[1:], plane[-1:]])
    out = np.empty((plane.shape[0] * 2,) + plane.shape[1:], dtype=np.int16)
    out[0::2] = (plane * 3 + above + 1) >> 2
    out[1::2] = (plane * 3 + below + 2) >> 2
    return out[:height]


def _fancy_columns(plane, width):
    """libjpeg's h2v1 filter: each output column weighs its sample 3:1 against the nearer neighbour."""
    left = np.concatenate([plane[:, :1], plane[:, :-1]], axis=1)
    right = np.concatenate([plane[:, 1:], plane[:, -1:]], axis=1)
    out = np.empty((plane.shape[0], plane.shape[1] * 2), dtype=np.int16)
    out[:, 0::2] = (plane * 3 + left + 1) >> 2
    out[:, 1::2] = (plane * 3 + right + 2) >> 2
    out[:, 0] = plane[:, 0]
    out[:, -1] = plane[:, -1]
    return out[:, :width]


def _fancy_both(plane, height, width):
    """libjpeg's h2v2 filter: column sums 3:1 against the nearer sample row, then 3:1 across columns,
    with its asymmetric rounding (+8 / +7) and the plain edge columns."""
    rows = np.empty((plane.shape[0] * 2,) + plane.shape[1:], dtype=np.int16)
    rows[0::2] = plane * 3 + np.concatenate([plane[:1], plane[:-1]])
    rows[1::2] = plane * 3 + np.concatenate([plane[1:], plane[-1:]])
    left = np.concatenate([rows[:, :1], rows[:, :-1]], axis=1)
    right = np.concatenate([rows[:, 1:], rows[:, -1:]], axis=1)
    out = np.empty((rows.shape[0], rows.shape[1] * 2), dtype=np.int16)
    out[:, 0::2] = (rows * 3 + left + 8) >> 4
    out[:, 1::2] = (rows * 3 + right + 7) >> 4
    out[:, 0] = (rows[:, 0] * 4 + 8) >> 4
    out[:, -1] = (rows[:, -1] * 4 + 7) >> 4
    return out[:height, :width]


def _upsampled_chroma(replicated, horizontal, vertical):
    """A chroma plane at full size, given libjpeg's replicated (box) version and the subsampling factors."""
    height, width = replicated.shape
    plane = replicated[::vertical, ::horizontal]
    if (horizontal, vertical) == (1, 1) or plane.shape[1] <= 2:
        return replicated  # libjpeg filters only chroma rows wider than two samples; narrower ones it replicates
    if (horizontal, vertical) == (2, 1):
        return _fancy_columns(plane, width)
    if (horizontal, vertical) == (1, 2):
        return _fancy_rows(plane, height)
    if (horizontal, vertical) == (2, 2):
        return _fancy_both(plane, height, width)
    return None


def _to_rgb(luma, blue, red):
    cr_to_r, cb_to_b, cbcr_to_g = _TABLES
    rgb = np.empty(luma.shape + (3,), dtype=np.uint8)
    for channel, offset in enumerate((cr_to_r[red], cbcr_to_g[blue, red], cb_to_b[blue])):
        offset += luma
        np.clip(offset, 0, 255, out=offset)
        rgb[..., channel] = offset
    return rgb


def _chroma_factors(picture):
    """(horizontal, vertical) subsampling of the chroma components relative to luma, or None."""
    layers = getattr(picture, "layer", None)
    if not layers or len(layers) != 3:
        return None
    (_, luma_h, luma_v, _), (_, cb_h, cb_v, _), (_, cr_h, cr_v, _) = layers
    if (cb_h, cb_v) != (cr_h, cr_v) or luma_h % cb_h or luma_v % cb_v:
        return None
    return luma_h // cb_h, luma_v // cb_v


def decode_like_tensorflow(open_picture, channels, fancy_upscaling, fast_idct=True):
    """uint8 (height, width, channels) pixels as TensorFlow's JPEG decoder gives them, or None where this
    file is not one this module reproduces. `open_picture()` gives a fresh, unloaded Pillow image of the
    file (draft mode must be chosen before decoding). Without `fast_idct` (dct_method='INTEGER_ACCURATE')
    Pillow's own decode is libjpeg's, except for grey output, which TensorFlow takes from the luma plane."""
    picture = open_picture()
    if picture.format != "JPEG" or picture.mode not in ("L", "RGB") or len(picture.tile) != 1:
        return None
    if picture.mode == "L" or channels == 1:
        luma = _draft_decode(picture, "L", fast_idct)
        if luma is None:
            return None
        gray = luma.astype(np.uint8)[..., None]
        return np.repeat(gray, 3, axis=-1) if channels == 3 else gray
    if channels == 4 or picture.info.get("adobe_transform") == 0:
        return None
    if not fast_idct and not fancy_upscaling:
        return None  # accurate IDCT with plain chroma replication: Pillow has no such mode
    if not fast_idct or not fancy_upscaling:
        samples = _draft_decode(picture, "RGB", fast_idct)  # Pillow's two modes: accurate+fancy, fast+plain
        return None if samples is None else samples.astype(np.uint8)
    factors = _chroma_factors(picture)
    if factors is None:
        return None
    samples = _draft_decode(picture, "YCbCr")
    if samples is None:
        return None
    blue = _upsampled_chroma(samples[..., 1], *factors)
    red = _upsampled_chroma(samples[..., 2], *factors)
    if blue is None or red is None:
        return None
    return _to_rgb(samples[..., 0], blue, red)
