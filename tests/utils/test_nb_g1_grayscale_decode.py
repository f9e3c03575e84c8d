"""`image_dataset_from_directory(color_mode="grayscale")` gives the gray pixels TensorFlow's decoders give.

Generative Deep Learning 2nd ed.'s DCGAN reads colour PNGs of LEGO bricks as grayscale. Keras asks the
PNG/JPEG decoder for one channel, so libpng's integer conversion (and, for JPEG, libjpeg's luma plane)
decides the pixels, not Pillow's `convert("L")`, which left half the pixels of a colour PNG 1 off.
Reference: tests/fixtures/make_nb_g1_grayscale_decode_reference.py (TensorFlow 2.21).
"""
import base64
import json
import os

import numpy as np
import pytest

import tkeras as keras

pytest.importorskip("PIL.Image")
REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures",
                                        "nb_g1_grayscale_decode_reference.json")))


def gray_batch(tmp_path, name):
    folder = tmp_path / name.replace(".", "_")
    folder.mkdir()
    (folder / name).write_bytes(base64.b64decode(REFERENCE["files"][name]))
    expected = np.array(REFERENCE["gray"][name], dtype="float32")
    dataset = keras.utils.image_dataset_from_directory(
        str(folder), labels=None, color_mode="grayscale", image_size=expected.shape, batch_size=1,
        shuffle=False, verbose=False)
    images = np.asarray(next(iter(dataset)))
    assert images.shape == (1,) + expected.shape + (1,)
    return images[0, :, :, 0], expected


@pytest.mark.parametrize("name", ["rgb.png", "rgba.png", "palette.png", "gray_alpha.png"])
def test_colour_png_to_gray_matches_tensorflow_exactly(tmp_path, name):
    got, expected = gray_batch(tmp_path, name)
    np.testing.assert_array_equal(got, expected)


def test_colour_jpeg_to_gray_is_the_luma_plane(tmp_path):
    """The luma plane with TensorFlow's default (fast integer) IDCT; mixing upsampled RGB back to gray
    (what `convert("L")` does) was up to ~20 levels away."""
    got, expected = gray_batch(tmp_path, "photo.jpg")
    np.testing.assert_array_equal(got, expected)


def test_load_img_keeps_pillows_conversion(tmp_path):
    """Keras' own `load_img` converts with Pillow, so it stays as it was."""
    Image = pytest.importorskip("PIL.Image")
    path = tmp_path / "rgb.png"
    path.write_bytes(base64.b64decode(REFERENCE["files"]["rgb.png"]))
    loaded = np.asarray(keras.utils.load_img(str(path), color_mode="grayscale"))
    np.testing.assert_array_equal(loaded, np.asarray(Image.open(str(path)).convert("L")))
