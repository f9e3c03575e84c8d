"""TerminateOnNaN(raise_error=True), checked against what Keras 3.15.1 does in a real fit.

Keras 3.15.1 probe (JAX backend, batch_size=1, shuffle=False, a NaN in the 2nd sample, a fresh
model each time): raise_error=False printed
"Batch 1: Invalid loss, terminating training", ran the other callbacks' on_epoch_end/on_train_end and
returned a one-epoch History; raise_error=True raised RuntimeError ("... at batch 1. Loss value: nan. ...") out
of fit at that batch, and no other callback's on_epoch_end or on_train_end ran.
"""
import numpy as np
import pytest

import tkeras as keras
from tkeras.callbacks import TerminateOnNaN


class Record(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("epoch_end", epoch))

    def on_train_end(self, logs=None):
        self.events.append(("train_end",))


def _fit(raise_error):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.array([[1, 2], [np.nan, 1], [1, 1], [2, 2]], "float32")
    record = Record()
    callbacks = [TerminateOnNaN(raise_error=raise_error), record]
    return (lambda: model.fit(x, np.ones((4, 1), "float32"), batch_size=1, epochs=2, verbose=0,
                              shuffle=False, callbacks=callbacks)), record


@pytest.mark.filterwarnings("ignore:Epoch 1. the training loss is nan")
def test_default_stops_gracefully_and_runs_cleanup(capsys):
    fit, record = _fit(False)
    history = fit()
    assert len(history.history["loss"]) == 1
    assert record.events == [("epoch_end", 0), ("train_end",)]
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_raise_error_raises_runtime_error_at_the_bad_batch_without_cleanup():
    fit, record = _fit(True)
    with pytest.raises(RuntimeError, match="batch 1"):
        fit()
    assert record.events == []


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_raise_error_on_each_non_finite_loss(bad):
    callback = TerminateOnNaN(True)  # positional, as Keras 3's signature allows
    callback.on_train_batch_end(0, {"loss": 1.0})
    with pytest.raises(RuntimeError, match="raise_error=True"):
        callback.on_train_batch_end(3, {"loss": bad})


def test_raise_error_must_be_a_bool():
    assert TerminateOnNaN().raise_error is False
    assert TerminateOnNaN(raise_error=np.bool_(True)).raise_error is True
    with pytest.raises(TypeError, match="raise_error"):
        TerminateOnNaN(raise_error="yes")
