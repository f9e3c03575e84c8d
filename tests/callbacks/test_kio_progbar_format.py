"""The progress lines read as Keras 2 prints them (keras-io guides of the tf.keras era fit for one
epoch with verbose=2): no `Epoch 1/1` header for a single epoch, the elapsed time in whole seconds,
and the per-epoch time in the unit that fits (`479ms/epoch`, not `0s/epoch`)."""
import numpy as np

import tkeras as keras
from tkeras.utils import progbar as progbar_module
from tkeras.utils.progbar import Progbar


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def _fit_output(capsys, epochs, verbose):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 3)), np.ones((8, 1)), batch_size=4, epochs=epochs, verbose=verbose)
    return capsys.readouterr().out


def test_one_epoch_prints_no_epoch_header(capsys):
    assert "Epoch" not in _fit_output(capsys, epochs=1, verbose=2)
    assert "Epoch" not in _fit_output(capsys, epochs=1, verbose=1)
    out = _fit_output(capsys, epochs=2, verbose=2)
    assert out.startswith("Epoch 1/2\n2/2 - ") and "\nEpoch 2/2\n" in out


def test_verbose_2_line_gives_the_epoch_time_in_milliseconds(monkeypatch, capsys):
    clock = Clock(100.0)
    monkeypatch.setattr(progbar_module.time, "time", clock)
    bar = Progbar(target=4, verbose=2)
    clock.now = 100.479
    bar.update(4, {"loss": 0.6813}, finalize=True)
    assert capsys.readouterr().out == "4/4 - 0s - loss: 0.6813 - 479ms/epoch - 120ms/step\n"


def test_long_epochs_print_whole_seconds_not_minutes(monkeypatch, capsys):
    clock = Clock(0.0)
    monkeypatch.setattr(progbar_module.time, "time", clock)
    bar = Progbar(target=10, verbose=2)
    clock.now = 125.0
    bar.update(10, {"loss": 1.0}, finalize=True)
    assert capsys.readouterr().out == "10/10 - 125s - loss: 1.0000 - 125s/epoch - 12s/step\n"
    clock.now = 0.0
    bar = Progbar(target=10, verbose=1)
    clock.now = 125.0
    bar.update(10, {"loss": 1.0}, finalize=True)
    assert capsys.readouterr().out.rstrip("\n").endswith("] - 125s 12s/step - loss: 1.0000")
