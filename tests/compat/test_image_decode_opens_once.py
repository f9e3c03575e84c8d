"""Decoding a PNG (or any non-JPEG) reads its header once: the TensorFlow-exact JPEG path first looks at
the start-of-image marker in the bytes instead of opening the picture to learn it is not a JPEG; a JPEG
still goes through that path (its pixels differ from Pillow's, see test_nb_a1_jpeg_decode)."""
import io

import numpy as np
import pytest
from PIL import Image

import tkeras.compat.tf_namespace as tf

PIXELS = np.random.default_rng(5).integers(0, 256, (6, 7, 3), dtype=np.uint8)


def _file(fmt):
    buffer = io.BytesIO()
    Image.fromarray(PIXELS, "RGB").save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def opens(monkeypatch):
    calls = []
    real_open = Image.open

    def counting_open(*args, **kwargs):
        calls.append(args)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    return calls


@pytest.mark.parametrize("decode", [tf.io.decode_png, tf.io.decode_image, tf.image.decode_jpeg])
def test_a_png_is_opened_once_and_decodes_exactly(decode, opens):
    image = decode(_file("PNG"), channels=3)
    assert len(opens) == 1
    np.testing.assert_array_equal(np.asarray(image), PIXELS)


def test_a_jpeg_still_takes_the_tensorflow_path_and_is_recognised():
    data = _file("JPEG")
    assert bool(tf.io.is_jpeg(data)) and not bool(tf.io.is_jpeg(_file("PNG")))
    assert tuple(tf.io.decode_image(data, channels=3).shape) == (6, 7, 3)
