"""Every op, layer and utility that takes `data_format` refuses a wrong one with the same message,
naming itself, and reads `None` as the global image format (one check, backend/config)."""
import numpy as np
import pytest

from tkeras import backend as K
from tkeras import layers, ops
from tkeras.backend import config
from tkeras.preprocessing.image import ImageDataGenerator
from tkeras.utils import image_dataset_from_directory, img_to_array

IMAGES = np.zeros((1, 4, 4, 3), "float32")
KERNEL = np.zeros((3, 3, 3, 2), "float32")

ENTRY_POINTS = {
    "K.conv2d": lambda fmt: K.conv2d(IMAGES, KERNEL, data_format=fmt),
    "K.resize_images": lambda fmt: K.resize_images(IMAGES, 2, 2, fmt),
    "K.resize_volumes": lambda fmt: K.resize_volumes(IMAGES[..., None], 2, 2, 2, fmt),
    "conv": lambda fmt: ops.conv(IMAGES, KERNEL, data_format=fmt),
    "img_to_array": lambda fmt: img_to_array(IMAGES[0], data_format=fmt),
    "ImageDataGenerator": lambda fmt: ImageDataGenerator(data_format=fmt),
    "image_dataset_from_directory": lambda fmt: image_dataset_from_directory(".", labels=None, data_format=fmt),
    "Conv2D": lambda fmt: layers.Conv2D(2, 3, data_format=fmt),
    "RandomFlip": lambda fmt: layers.RandomFlip(data_format=fmt),
}


@pytest.mark.parametrize("owner", sorted(ENTRY_POINTS))
def test_a_wrong_data_format_is_refused_naming_its_owner(owner):
    with pytest.raises(ValueError) as caught:
        ENTRY_POINTS[owner]("NHWC")
    message = str(caught.value)
    assert message.startswith(owner), message
    assert "'data_format' must be 'channels_last' or 'channels_first', received 'NHWC'" in message


@pytest.mark.parametrize("global_format", ["channels_first", "channels_last"])
def test_none_means_the_global_image_format(global_format):
    previous = config.image_data_format()
    config.set_image_data_format(global_format)
    try:
        assert config.standardize_data_format(None, "anything") == global_format
        assert config.standardize_data_format("channels_last", "anything") == "channels_last"
        assert img_to_array(np.zeros((4, 5, 3))).shape == ((3, 4, 5) if global_format == "channels_first"
                                                           else (4, 5, 3))
    finally:
        config.set_image_data_format(previous)
