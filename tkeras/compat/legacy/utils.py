"""Image helpers Keras 2.9+ moved to `keras.utils` (`load_img`, `img_to_array`, ...), from `tkeras.preprocessing.image`."""
from tkeras.preprocessing.image import array_to_img, img_to_array, load_img, save_img  # noqa: F401
