"""`tf.io.decode_jpeg` / `tf.io.decode_image` give TensorFlow's pixels (AI and ML for Coders ch. 4:
`tf.io.decode_jpeg` in a TFRecord pipeline): by default TensorFlow decodes with libjpeg's fast integer
IDCT and fancy chroma upsampling, which differ from Pillow's ordinary decode by about one grey level.
Reference pixels were recorded from TensorFlow 2.21 by
tests/fixtures/make_nb_a1_jpeg_decode_reference.py."""
import os
from collections import defaultdict

import numpy as np
import pytest

import tkeras.compat.tf_namespace as tf

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb_a1_jpeg_decode_reference.npz")


def _files():
    with np.load(REFERENCE, allow_pickle=False) as stored:
        files = defaultdict(dict)
        for key in stored.files:
            name, entry = key.split("/")
            files[name][entry] = stored[key]
    return dict(files)


FILES = _files()


def _decoded(name, entry):
    data = FILES[name]["bytes"].tobytes()
    if entry == "decode_image":
        return tf.io.decode_image(data)
    channels, variant = entry.split("_")
    channels = int(channels[1:])
    if variant == "accurate":
        return tf.io.decode_jpeg(data, channels=channels, dct_method="INTEGER_ACCURATE")
    return tf.io.decode_jpeg(data, channels=channels, fancy_upscaling=variant == "fancy1")


@pytest.mark.parametrize("name", sorted(FILES))
def test_pixels_equal_tensorflows(name):
    for entry, expected in FILES[name].items():
        if entry == "bytes":
            continue
        got = np.asarray(_decoded(name, entry))
        assert got.dtype == np.uint8 and got.shape == expected.shape, (entry, got.shape, expected.shape)
        np.testing.assert_array_equal(got, expected, err_msg=f"{name} {entry}")


def test_default_is_the_fast_idct_not_the_accurate_one():
    """The two IDCTs give different pixels on a noisy picture: the default must be the fast one."""
    data = FILES["noisy_17x13_s2"]["bytes"].tobytes()
    default = np.asarray(tf.io.decode_jpeg(data))
    accurate = np.asarray(tf.io.decode_jpeg(data, dct_method="INTEGER_ACCURATE"))
    assert (default != accurate).any()
    np.testing.assert_array_equal(default, np.asarray(tf.image.decode_jpeg(data, dct_method="INTEGER_FAST")))


def test_other_formats_and_bad_data_unchanged():
    png = tf.io.encode_png(tf.constant(np.arange(12, dtype=np.uint8).reshape(2, 2, 3)))
    np.testing.assert_array_equal(np.asarray(tf.io.decode_jpeg(png)), np.arange(12).reshape(2, 2, 3))
    with pytest.raises(ValueError, match="decode_jpeg"):
        tf.io.decode_jpeg(b"not an image")
