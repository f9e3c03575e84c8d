"""`keras.utils.np_utils`: the Keras 1/2 import path of `to_categorical` and `normalize`."""
from tkeras.utils.numerical_utils import normalize, to_categorical

__all__ = ["to_categorical", "normalize"]
