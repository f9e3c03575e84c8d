"""`keras.preprocessing.image`: tf-keras 2's ImageDataGenerator with its iterators and transforms, and
the image file helpers Keras 3 keeps here (`load_img`, `img_to_array`, `array_to_img`, `save_img`,
`smart_resize`). NumPy on the host (Pillow for files and brightness), torch only for `smart_resize`.
"""
from tkeras.preprocessing.image.affine import (
    apply_affine_transform, apply_brightness_shift, apply_channel_shift, random_brightness, random_channel_shift,
    random_rotation, random_shear, random_shift, random_zoom,
)
from tkeras.preprocessing.image.generator import ImageDataGenerator
from tkeras.preprocessing.image.image_io import array_to_img, img_to_array, load_img, save_img, smart_resize
from tkeras.preprocessing.image.iterators import DirectoryIterator, Iterator, NumpyArrayIterator


def __getattr__(name):
    if name == "DataFrameIterator":  # tf-keras has it here (not exported); loaded on first use
        from tkeras.preprocessing.image.dataframe_iterator import DataFrameIterator
        return DataFrameIterator
    raise AttributeError(f"module 'tkeras.preprocessing.image' has no attribute {name!r}")


__all__ = [
    "DirectoryIterator", "ImageDataGenerator", "Iterator", "NumpyArrayIterator", "apply_affine_transform",
    "apply_brightness_shift", "apply_channel_shift", "array_to_img", "img_to_array", "load_img", "random_brightness",
    "random_channel_shift", "random_rotation", "random_shear", "random_shift", "random_zoom", "save_img",
    "smart_resize",
]
