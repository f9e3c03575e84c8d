"""ModelCheckpoint(save_best_only=True) whose monitored value is missing from the logs.

tf-keras 2 warns "..., skipping." and writes nothing; Keras 3 warns and saves every epoch. A path
Keras 3 refuses (a SavedModel folder such as './checkpoint', a TF checkpoint prefix such as
'checkpoint.ckpt' for weights) can only come from tf-keras 2 code, so it gets tf-keras 2's answer:
Generative Deep Learning 2nd ed.'s VAEs monitor "loss" while their train_step logs "total_loss",
and their readers saw no checkpoint written.
"""
import os

import pytest

from tests.callbacks.conftest import drive
from tkeras.callbacks import ModelCheckpoint

LOGS_WITHOUT_LOSS = [{"total_loss": 3.0}, {"total_loss": 2.0}]


@pytest.mark.parametrize("name, weights_only", [("checkpoint", False), ("checkpoint.ckpt", True)])
def test_tf_keras_path_skips_the_save(model, tmp_path, name, weights_only):
    path = str(tmp_path / name)
    cb = ModelCheckpoint(path, monitor="loss", save_best_only=True, save_weights_only=weights_only)
    with pytest.warns(UserWarning, match="Can save best model only with loss available, skipping"):
        drive([cb], model, LOGS_WITHOUT_LOSS)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name, weights_only", [("best.keras", False), ("best.weights.h5", True)])
def test_keras3_path_still_saves(model, tmp_path, name, weights_only):
    path = str(tmp_path / name)
    cb = ModelCheckpoint(path, monitor="loss", save_best_only=True, save_weights_only=weights_only)
    with pytest.warns(UserWarning, match="Can save best model only with loss available"):
        drive([cb], model, LOGS_WITHOUT_LOSS)
    assert os.listdir(tmp_path) == [name]


def test_tf_keras_path_saves_once_the_value_is_logged(model, tmp_path):
    path = str(tmp_path / "checkpoint")
    cb = ModelCheckpoint(path, monitor="total_loss", save_best_only=True)
    drive([cb], model, LOGS_WITHOUT_LOSS)
    assert os.listdir(tmp_path) == ["checkpoint"]
