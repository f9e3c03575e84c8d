"""Numbers held in an object array (pandas' `replace(['ham', 'spam'], [0, 1])` leaves its column so) are
refused by fit as Keras refuses them (a ValueError), naming the argument that holds them, on the
validation_split path too, with the conversion that fixes it; ragged rows keep the pad_sequences hint."""
import numpy as np
import pytest

import tkeras as keras


def model():
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    m.compile("sgd", "binary_crossentropy")
    return m


X = np.zeros((8, 3), "float32")
LABELS = np.array([0, 1] * 4, dtype=object)


@pytest.mark.parametrize("validation_split", [0.0, 0.25])
def test_labels_of_python_numbers_are_refused_naming_y_and_the_conversion(validation_split):
    with pytest.raises(ValueError, match=r"Expected numeric data for y, received a NumPy array of Python objects "
                                         r"\(dtype=object, shape \(8,\)\); convert it first, e.g. "
                                         r"y.astype\('float32'\)"):
        model().fit(X, LABELS, epochs=1, verbose=0, validation_split=validation_split)


def test_converted_labels_train():
    history = model().fit(X, LABELS.astype("float32"), epochs=1, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "val_loss"}


def test_ragged_rows_keep_the_padding_hint():
    rows = np.empty(2, dtype=object)
    rows[0], rows[1] = [1, 2, 3], [4]
    with pytest.raises(ValueError, match="Expected numeric data for x.*ragged sequences must be padded first"):
        model().fit(rows, np.zeros(2), epochs=1, verbose=0)
