"""Hands-On ML ch. 13 crops `load_sample_images()["images"]`, a Python list of same-sized HxWx3 uint8 arrays,
with CenterCrop: Keras converts such a list to one batch tensor. Expected values are plain NumPy slicing."""
import numpy as np

import tkeras as keras


def _images():
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, size=(9, 12, 3)).astype("uint8") for _ in range(2)]


def test_center_crop_takes_a_list_of_images_as_a_batch():
    images = _images()
    cropped = np.asarray(keras.layers.CenterCrop(height=5, width=6)(images))
    assert cropped.shape == (2, 5, 6, 3)
    expected = np.stack(images)[:, 2:7, 3:9].astype("float32")
    np.testing.assert_array_equal(cropped, expected)


def test_resizing_takes_a_list_of_images_as_a_batch():
    images = _images()
    resized = np.asarray(keras.layers.Resizing(9, 12)(images))  # same size: values unchanged
    np.testing.assert_allclose(resized, np.stack(images).astype("float32"), atol=1e-4)
