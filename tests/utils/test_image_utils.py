"""load_img / img_to_array / array_to_img / save_img, on small PNG/JPEG files written by the tests."""
import io
import sys

import numpy as np
import pytest

from tkeras.utils import image_utils
from tkeras.utils.image_utils import array_to_img, img_to_array, load_img, save_img

Image = pytest.importorskip("PIL.Image")


def _rgb(height=4, width=6, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(height, width, 3), dtype=np.uint8)


def _png(tmp_path, array, name="img.png", mode=None):
    path = tmp_path / name
    Image.fromarray(array, mode).save(path)
    return path


def test_rgb_png_round_trips_exactly_as_float32_height_width_channels(tmp_path):
    pixels = _rgb()
    image = load_img(_png(tmp_path, pixels))
    x = img_to_array(image)
    assert x.dtype == np.float32 and x.shape == (4, 6, 3)
    np.testing.assert_array_equal(x, pixels.astype(np.float32))
    np.testing.assert_array_equal(img_to_array(image, data_format="channels_first"), pixels.transpose(2, 0, 1))
    assert img_to_array(image, dtype="uint8").dtype == np.uint8


def test_color_modes(tmp_path):
    pixels = _rgb()
    path = _png(tmp_path, pixels)
    gray = img_to_array(load_img(path, color_mode="grayscale"))
    assert gray.shape == (4, 6, 1)
    # ITU-R 601-2 luma, the conversion Pillow (and Keras through it) applies.
    luma = pixels.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    np.testing.assert_allclose(gray[:, :, 0], luma, atol=1)
    rgba = img_to_array(load_img(path, color_mode="rgba"))
    assert rgba.shape == (4, 6, 4)
    np.testing.assert_array_equal(rgba[:, :, :3], pixels)
    np.testing.assert_array_equal(rgba[:, :, 3], 255)
    # a grayscale file read as rgb repeats the channel
    gray_file = _png(tmp_path, pixels[:, :, 0], "gray.png", "L")
    np.testing.assert_array_equal(img_to_array(load_img(gray_file)), np.repeat(pixels[:, :, :1], 3, axis=2))
    with pytest.raises(ValueError, match=r"color_mode.*'grayscale', 'rgb' or 'rgba'.*'hsv'"):
        load_img(path, color_mode="hsv")


def test_target_size_is_height_width_and_nearest_upsampling_repeats_pixels(tmp_path):
    pixels = _rgb(2, 3)
    x = img_to_array(load_img(_png(tmp_path, pixels), target_size=(4, 6)))
    np.testing.assert_array_equal(x, np.repeat(np.repeat(pixels, 2, axis=0), 2, axis=1))
    assert img_to_array(load_img(_png(tmp_path, pixels), target_size=(5, 2), interpolation="bilinear")).shape \
        == (5, 2, 3)
    with pytest.raises(ValueError, match=r"interpolation.*'cubic'"):
        load_img(_png(tmp_path, pixels), target_size=(4, 4), interpolation="cubic")


def test_keep_aspect_ratio_resizes_the_centred_crop(tmp_path):
    pixels = _rgb(4, 8)
    x = img_to_array(load_img(_png(tmp_path, pixels), target_size=(2, 2), keep_aspect_ratio=True))
    crop = pixels[:, 2:6]  # the centred 4x4 square
    np.testing.assert_array_equal(x, crop[1::2, 1::2])  # nearest at half-pixel centres of a 2x downscale
    squashed = img_to_array(load_img(_png(tmp_path, pixels), target_size=(2, 2)))
    np.testing.assert_array_equal(squashed, pixels[1::2, 2::4])


def test_paths_and_file_objects(tmp_path):
    pixels = _rgb()
    path = _png(tmp_path, pixels)
    np.testing.assert_array_equal(img_to_array(load_img(str(path))), pixels)
    np.testing.assert_array_equal(img_to_array(load_img(io.BytesIO(path.read_bytes()))), pixels)
    with pytest.raises(TypeError, match="path.*int"):
        load_img(3)


def test_array_to_img_scales_the_array_range_onto_0_255():
    x = np.random.default_rng(1).uniform(-1, 3, size=(3, 5, 3)).astype(np.float32)
    image = array_to_img(x)
    assert image.mode == "RGB" and image.size == (5, 3)
    expected = ((x - x.min()) / (x.max() - x.min()) * 255).astype(np.uint8)
    np.testing.assert_array_equal(np.asarray(image), expected)
    raw = np.random.default_rng(2).integers(0, 256, size=(3, 5, 3)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(array_to_img(raw, scale=False)), raw.astype(np.uint8))
    np.testing.assert_array_equal(np.asarray(array_to_img(raw.transpose(2, 0, 1), data_format="channels_first",
                                                          scale=False)), raw.astype(np.uint8))
    assert x.min() < 0  # the caller's array is untouched


def test_array_to_img_channel_counts():
    assert array_to_img(np.zeros((2, 2, 1)) + 7, scale=False).mode == "L"
    assert array_to_img(np.full((2, 2, 1), 1000.0), scale=False).mode == "I"  # deeper than 8 bits
    assert array_to_img(np.zeros((2, 2, 4)), scale=False).mode == "RGBA"
    with pytest.raises(ValueError, match=r"1, 3 or 4 channels, received 2"):
        array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"rank 3.*\(2, 2\)"):
        array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="data_format.*'channels_middle'"):
        img_to_array(np.zeros((2, 2, 3)), data_format="channels_middle")


def test_save_img_round_trip_and_format_from_suffix(tmp_path):
    pixels = _rgb()
    save_img(tmp_path / "out.png", pixels.astype(np.float32), scale=False)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "out.png")), pixels)
    rgba = np.concatenate([pixels, np.full((4, 6, 1), 255, np.uint8)], axis=2)
    with pytest.warns(UserWarning, match="alpha"):
        save_img(str(tmp_path / "out.jpg"), rgba, scale=False)
    with Image.open(tmp_path / "out.jpg") as image:
        assert image.format == "JPEG" and image.mode == "RGB"
    buffer = io.BytesIO()
    save_img(buffer, pixels, file_format="png", scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(io.BytesIO(buffer.getvalue()))), pixels)


def test_missing_pillow_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)  # makes `from PIL import Image` fail
    with pytest.raises(ImportError, match="pip install pillow"):
        image_utils.pil_image()


def test_public_paths():
    import tkeras
    assert tkeras.utils.load_img is load_img and tkeras.utils.img_to_array is img_to_array
    assert tkeras.utils.array_to_img is array_to_img and tkeras.utils.save_img is save_img
