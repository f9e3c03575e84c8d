"""Callbacks inside the real training loop: seed 002's trio, BackupAndRestore, resuming from a file."""
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.callbacks import BackupAndRestore, Callback, EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
from tkeras.saving import load_model

pytestmark = pytest.mark.skipif(not hasattr(keras.optimizers, "get"),
                                reason="tkeras.optimizers has not landed yet")


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 6)).astype("float32")
    y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype("float32")
    return x, y


def _model():
    torch.manual_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dropout(0.2), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def test_seed002_callbacks_print_and_write_best_model(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    x, y = _data()
    vx, vy = _data(32, seed=1)
    model = _model()
    history = model.fit(x, y, batch_size=16, epochs=6, verbose=0, validation_data=(vx, vy), callbacks=[
        EarlyStopping(monitor="val_loss", patience=4, verbose=1),
        ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=2, verbose=1),
        ModelCheckpoint("best_model.keras", monitor="val_loss", verbose=1, save_best_only=True)])
    out = capsys.readouterr().out
    first = history.history["val_loss"][0]
    assert f"Epoch 1: val_loss improved from inf to {first:.5f}, saving model to best_model.keras" in out
    assert os.path.exists("best_model.keras")
    best = int(np.argmin(history.history["val_loss"]))
    loaded = load_model("best_model.keras")
    assert loaded.evaluate(vx, vy, verbose=0)[0] == pytest.approx(history.history["val_loss"][best], rel=1e-5)
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"}


class _Interrupt(Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise KeyboardInterrupt("simulated interruption")


def test_backup_and_restore_resumes_to_the_same_weights(tmp_path):
    x, y = _data()
    straight = _model()
    torch.manual_seed(1)
    straight.fit(x, y, batch_size=16, epochs=5, verbose=0)

    interrupted = _model()
    backup = str(tmp_path / "backup")
    torch.manual_seed(1)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(x, y, batch_size=16, epochs=5, verbose=0,
                        callbacks=[BackupAndRestore(backup), _Interrupt(at_epoch=2)])
    resumed = _model()  # a fresh process would rebuild the model from scratch
    torch.manual_seed(99)  # whatever the state now: the backup restores it
    history = resumed.fit(x, y, batch_size=16, epochs=5, verbose=0, callbacks=[BackupAndRestore(backup)])
    assert history.epoch == [3, 4]
    for got, want in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert not os.listdir(backup)  # deleted once training completed


@pytest.mark.parametrize("filename", ["resume.keras", "resume.h5"])
def test_optimizer_state_is_saved_so_training_resumes_exactly(tmp_path, filename):
    x, y = _data()
    straight = _model()
    torch.manual_seed(1)
    straight.fit(x, y, batch_size=16, epochs=2, verbose=0)
    torch.manual_seed(2)
    straight.fit(x, y, batch_size=16, epochs=2, verbose=0)

    first = _model()
    torch.manual_seed(1)
    first.fit(x, y, batch_size=16, epochs=2, verbose=0)
    first.save(tmp_path / filename)
    second = load_model(tmp_path / filename)
    torch.manual_seed(2)
    second.fit(x, y, batch_size=16, epochs=2, verbose=0)
    for got, want in zip(second.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(got, want)
