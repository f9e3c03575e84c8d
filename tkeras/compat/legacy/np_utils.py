"""Keras 1's `np_utils.to_categorical(y, nb_classes=None)`, next to Keras 2's `num_classes`."""
from tkeras.utils import numerical_utils


def to_categorical(y, num_classes=None, dtype=None, nb_classes=None):
    return numerical_utils.to_categorical(y, num_classes if num_classes is not None else nb_classes, dtype)


to_categorical.__doc__ = numerical_utils.to_categorical.__doc__
normalize = numerical_utils.normalize
