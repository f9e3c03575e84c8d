"""`Rescaling` called on a Python list of images (sklearn's `load_sample_images()["images"]`, as
Hands-On ML passes it to Keras' image layers) treats the list as one batch, as tf-keras 2 and Keras 3 do;
values are checked against NumPy's `stack * scale + offset`."""
import numpy as np
import pytest

import tkeras as keras


def test_list_of_uint8_images_is_rescaled_as_one_float_batch():
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, (4, 5, 3), dtype=np.uint8) for _ in range(3)]
    out = keras.layers.Rescaling(scale=1 / 127.5, offset=-1.0)(images)
    assert tuple(out.shape) == (3, 4, 5, 3) and str(out.dtype).endswith("float32")
    expected = np.stack(images).astype("float32") / 127.5 - 1.0
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), expected, rtol=1e-6, atol=1e-6)


def test_tuple_of_float_images_and_per_channel_scale():
    images = (np.full((2, 2, 3), 2.0, "float32"), np.ones((2, 2, 3), "float32"))
    out = keras.layers.Rescaling(scale=[1.0, 2.0, 3.0])(images)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), np.stack(images) * np.array([1.0, 2.0, 3.0]))


def test_images_of_different_sizes_name_the_layer():
    with pytest.raises(ValueError, match="rescale_me"):
        keras.layers.Rescaling(0.5, name="rescale_me")([np.zeros((2, 2, 3)), np.zeros((3, 3, 3))])
