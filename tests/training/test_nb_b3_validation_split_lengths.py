"""`fit(validation_split=...)` when the targets are longer than the inputs.

*딥러닝 텐서플로 교과서* chapter 10 builds its BERT inputs by iterating a DataFrame (its 5 column
names) while the labels keep all rows; the book's recorded run trains on 1 step with validation
metrics. Keras cuts both halves at the first input's length: rows [0, split) train and rows
[split, len(x)) validate, for every array.
"""
import numpy as np

import tkeras as keras


def _zero_model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    return model


def test_targets_longer_than_inputs_are_cut_at_the_inputs_length():
    x = np.ones((5, 2), "float32")
    y = np.arange(71, dtype="float32")
    history = _zero_model().fit(x, y, validation_split=0.2, epochs=1, batch_size=8, verbose=0)
    assert history.params["steps"] == 1
    # The model predicts 0: training sees y[0:4], validation y[4:5] only.
    np.testing.assert_allclose(history.history["loss"][0], np.mean(y[:4] ** 2), rtol=1e-6)
    np.testing.assert_allclose(history.history["val_loss"][0], np.mean(y[4:5] ** 2), rtol=1e-6)


def test_equal_lengths_split_as_before():
    x = np.ones((10, 2), "float32")
    y = np.arange(10, dtype="float32")
    history = _zero_model().fit(x, y, validation_split=0.3, epochs=1, batch_size=4, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], np.mean(y[:7] ** 2), rtol=1e-6)
    np.testing.assert_allclose(history.history["val_loss"][0], np.mean(y[7:] ** 2), rtol=1e-6)
