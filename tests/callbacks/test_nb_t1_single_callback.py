"""`fit(callbacks=EarlyStopping(...))`: one callback object, not in a list, as the simple-audio tutorial
passes it; Keras flattens the argument, so the callback runs as if listed."""
import numpy as np

import tkeras as keras


class CountingCallback(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


def _model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_a_single_callback_object_runs():
    counter = CountingCallback()
    history = _model().fit(np.ones((8, 2)), np.ones((8, 1)), epochs=3, verbose=0, callbacks=counter)
    assert counter.epochs == 3 and len(history.history["loss"]) == 3


def test_a_single_early_stopping_stops():
    stopper = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=1e9)
    history = _model().fit(np.ones((8, 2)), np.ones((8, 1)), epochs=5, verbose=0, callbacks=stopper)
    # the first epoch improves on +inf; the second cannot beat it by min_delta, so patience 0 stops there
    assert len(history.history["loss"]) == 2 and stopper.stopped_epoch == 1
