"""Keras 1's `np_utils`: `to_categorical(y, nb_classes=None)` next to Keras 2's `num_classes`, and the
Keras 1 helpers Keras 2 dropped (`probas_to_classes`, `categorical_probas_to_classes`, `convert_kernel`)."""
import numpy as np

from tkeras.utils import numerical_utils
from tkeras.utils.kernel_conversion import convert_kernel  # noqa: F401


def to_categorical(y, num_classes=None, dtype=None, nb_classes=None):
    return numerical_utils.to_categorical(y, num_classes if num_classes is not None else nb_classes, dtype)


def categorical_probas_to_classes(probabilities):
    """The most probable class of each row."""
    return np.argmax(probabilities, axis=1)


def probas_to_classes(y_pred):
    """Class indices from predictions: the argmax of several columns, else 1 where the one value > 0.5."""
    y_pred = np.asarray(y_pred)
    if y_pred.ndim > 1 and y_pred.shape[1] > 1:
        return categorical_probas_to_classes(y_pred)
    return (y_pred.reshape(len(y_pred), -1)[:, 0] > 0.5).astype(int)


to_categorical.__doc__ = numerical_utils.to_categorical.__doc__
normalize = numerical_utils.normalize
