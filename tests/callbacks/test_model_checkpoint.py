import os

import numpy as np
import pytest

from tests.callbacks.conftest import drive
from tkeras.callbacks import ModelCheckpoint
from tkeras.saving import load_model


def test_save_best_only_messages_and_file(model, tmp_path, capsys):
    path = str(tmp_path / "best_model.keras")
    cb = ModelCheckpoint(path, monitor="val_loss", verbose=1, save_best_only=True)
    weights_at = {}

    class Mutator(ModelCheckpoint.__mro__[2]):
        def on_epoch_end(self, epoch, logs=None):
            model.set_weights([w + 1.0 for w in model.get_weights()])
            weights_at[epoch] = model.get_weights()

    drive([Mutator(), cb], model, [{"val_loss": v} for v in [0.4123, 0.3881, 0.39, 0.2]][:3])
    out = capsys.readouterr().out.splitlines()
    assert out == ["", f"Epoch 1: val_loss improved from inf to 0.41230, saving model to {path}",
                   "", f"Epoch 2: val_loss improved from 0.41230 to 0.38810, saving model to {path}",
                   "", "Epoch 3: val_loss did not improve from 0.38810"]
    loaded = load_model(path, compile=False)
    for got, want in zip(loaded.get_weights(), weights_at[1]):
        np.testing.assert_array_equal(got, want)


def test_filepath_template_and_accuracy_spellings(model, tmp_path):
    template = str(tmp_path / "{epoch:02d}-{val_loss:.4f}-{val_acc:.2f}.h5")
    cb = ModelCheckpoint(template, monitor="val_acc", mode="max", save_weights_only=True)
    drive([cb], model, [{"val_loss": 0.51234, "val_accuracy": 0.75}, {"val_loss": 0.4, "val_accuracy": 0.8}])
    assert sorted(os.listdir(tmp_path)) == ["01-0.5123-0.75.h5", "02-0.4000-0.80.h5"]


def test_unknown_template_key_names_the_available_ones(model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "{val_los:.2f}.keras"))
    with pytest.raises(KeyError, match="val_los"):
        drive([cb], model, [{"val_loss": 0.5}])


def test_save_freq_in_batches(model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.weights.h5"), save_freq=3, save_weights_only=True)
    drive([cb], model, [{"loss": 1.0}, {"loss": 0.9}], batches_per_epoch=4, batch_logs={"loss": 1.0})
    # batches counted across epochs: saves after the 3rd, 6th batch overall
    assert sorted(os.listdir(tmp_path)) == ["e1-b3.weights.h5", "e2-b2.weights.h5"]


def test_initial_value_threshold_and_mode_max(model, tmp_path, capsys):
    path = str(tmp_path / "m.keras")
    cb = ModelCheckpoint(path, monitor="accuracy", mode="max", save_best_only=True, verbose=1,
                         initial_value_threshold=0.8)
    drive([cb], model, [{"accuracy": 0.7}, {"accuracy": 0.85}])
    out = capsys.readouterr().out
    assert "Epoch 1: accuracy did not improve from 0.80000" in out
    assert "Epoch 2: accuracy improved from 0.80000 to 0.85000" in out
    assert os.path.exists(path)


def test_bad_save_freq_is_refused(tmp_path):
    with pytest.raises(ValueError, match="save_freq"):
        ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="batch")
