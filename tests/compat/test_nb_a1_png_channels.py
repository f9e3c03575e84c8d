"""`tf.io.decode_png` / `decode_image` channel handling as TensorFlow's libpng decoder does it: asking a
colour (RGB, RGBA, palette) PNG for one channel uses libpng's integer gray weights (9797 and 19234 of
32768 for red and green, blue the rest, truncated), not Pillow's rounding `convert("L")`; and a
gray+alpha PNG decodes to its two channels when `channels=0`. (Checked against TensorFlow 2.21 while
running AI and ML for Coders ch. 3-4 image code.)"""
import io

import numpy as np
import pytest
from PIL import Image

import tkeras.compat.tf_namespace as tf

RNG = np.random.default_rng(3)
RGBA = RNG.integers(0, 256, (6, 5, 4), dtype=np.uint8)
GRAY_ALPHA = RNG.integers(0, 256, (6, 5, 2), dtype=np.uint8)


def _png(array, mode):
    buffer = io.BytesIO()
    Image.fromarray(array, mode).save(buffer, "PNG")
    return buffer.getvalue()


def _libpng_gray(rgb):
    rgb = rgb.astype(np.int64)
    return ((9797 * rgb[..., 0] + 19234 * rgb[..., 1] + (32768 - 9797 - 19234) * rgb[..., 2]) >> 15)[..., None]


@pytest.mark.parametrize("decode", [tf.io.decode_png, tf.io.decode_image, tf.image.decode_png])
def test_one_channel_from_colour_uses_libpng_weights(decode):
    for array, mode in [(RGBA, "RGBA"), (RGBA[..., :3], "RGB")]:
        gray = np.asarray(decode(_png(array, mode), channels=1))
        assert gray.dtype == np.uint8 and gray.shape == (6, 5, 1)
        np.testing.assert_array_equal(gray, _libpng_gray(array[..., :3]))


def test_gray_alpha_keeps_two_channels():
    data = _png(GRAY_ALPHA, "LA")
    np.testing.assert_array_equal(np.asarray(tf.io.decode_png(data)), GRAY_ALPHA)
    np.testing.assert_array_equal(np.asarray(tf.io.decode_image(data)), GRAY_ALPHA)
    np.testing.assert_array_equal(np.asarray(tf.io.decode_png(data, channels=1)), GRAY_ALPHA[..., :1])
    rgba = np.asarray(tf.io.decode_png(data, channels=4))
    expected = np.concatenate([np.repeat(GRAY_ALPHA[..., :1], 3, -1), GRAY_ALPHA[..., 1:]], -1)
    np.testing.assert_array_equal(rgba, expected)


def test_gray_png_unchanged():
    gray = RGBA[..., 0]
    np.testing.assert_array_equal(np.asarray(tf.io.decode_png(_png(gray, "L"))), gray[..., None])
    np.testing.assert_array_equal(np.asarray(tf.io.decode_png(_png(gray, "L"), channels=3)),
                                  np.repeat(gray[..., None], 3, -1))
