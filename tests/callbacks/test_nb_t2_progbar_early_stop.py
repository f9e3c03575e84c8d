"""Keras (tf-keras 2 and Keras 3 alike) closes an epoch's progress bar at its target even when a callback
stopped training mid-epoch: tensorflow.org's early-stopping migration guide stops after one batch of four
and its recorded output ends the epoch with '4/4 [==============================]'."""
import re

import numpy as np

import tkeras as keras


class _StopAfterFirstBatch(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.model.stop_training = True


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_bar_closes_at_target_after_stop_training(capsys):
    x, y = np.ones((32, 3), "float32"), np.zeros((32, 1), "float32")
    history = _model().fit(x, y, batch_size=8, epochs=3, verbose=1, callbacks=[_StopAfterFirstBatch()])
    lines = [line for line in re.split(r"[\r\n]", capsys.readouterr().out) if line.strip()]
    assert len(history.history["loss"]) == 1
    assert lines[0] == "Epoch 1/3"
    assert lines[-1].startswith("4/4 [==============================] - ")
    assert "1/4" not in lines[-1]


def test_bar_of_a_completed_epoch_is_unchanged(capsys):
    x, y = np.ones((32, 3), "float32"), np.zeros((32, 1), "float32")
    _model().fit(x, y, batch_size=8, epochs=1, verbose=1)
    last = [line for line in re.split(r"[\r\n]", capsys.readouterr().out) if line.strip()][-1]
    assert last.startswith("4/4 [==============================] - ")
