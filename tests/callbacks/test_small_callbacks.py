"""CSVLogger, TerminateOnNaN, LearningRateScheduler, LambdaCallback, TensorBoard."""
import csv

import numpy as np
import pytest

from tests.callbacks.conftest import drive
from tkeras.callbacks import CSVLogger, LambdaCallback, LearningRateScheduler, TensorBoard, TerminateOnNaN
from tkeras.callbacks.callback_list import CallbackList


def test_csv_logger_writes_sorted_columns_and_appends(model, tmp_path):
    path = tmp_path / "log.csv"
    logs = [{"loss": 0.5, "accuracy": 0.75, "val_loss": 0.6}, {"loss": 0.25, "accuracy": 0.875, "val_loss": 0.5}]
    drive([CSVLogger(str(path))], model, logs)
    drive([CSVLogger(str(path), append=True)], model, logs[:1])
    rows = list(csv.reader(open(path)))
    assert rows == [["epoch", "accuracy", "loss", "val_loss"], ["0", "0.75", "0.5", "0.6"],
                    ["1", "0.875", "0.25", "0.5"], ["0", "0.75", "0.5", "0.6"]]


def test_csv_logger_separator(model, tmp_path):
    path = tmp_path / "log.tsv"
    drive([CSVLogger(str(path), separator="\t")], model, [{"loss": 1.5}])
    assert open(path).read().splitlines() == ["epoch\tloss", "0\t1.5"]


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_terminate_on_nan(model, bad, capsys):
    cb = TerminateOnNaN()
    cb.set_model(model)
    model.stop_training = False
    cb.on_train_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    cb.on_train_batch_end(1, {"loss": bad})
    assert model.stop_training
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_learning_rate_scheduler_two_and_one_argument_forms(model, capsys):
    seen = []
    two = LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch > 0 else lr, verbose=1)
    spy = LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(model.optimizer.learning_rate))
    drive([two, spy], model, [{"loss": 1.0}] * 3)
    assert seen == [float(np.float32(0.001)), float(np.float32(np.float32(0.001) * 0.5)),
                    float(np.float32(np.float32(np.float32(0.001) * 0.5) * 0.5))]
    assert "Epoch 2: LearningRateScheduler setting learning rate to" in capsys.readouterr().out
    one = LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))
    drive([one], model, [{"loss": 1.0}] * 2)
    assert model.optimizer.learning_rate == float(np.float32(0.05))


def test_learning_rate_scheduler_rejects_non_numbers(model):
    with pytest.raises(ValueError, match="should be a float"):
        drive([LearningRateScheduler(lambda epoch, lr: "fast")], model, [{"loss": 1.0}])


def test_lambda_callback_hooks_and_batch_listening(model):
    calls = []
    cb = LambdaCallback(on_train_begin=lambda logs: calls.append("begin"),
                        on_epoch_end=lambda epoch, logs: calls.append(("epoch", epoch, logs["loss"])),
                        on_batch_end=lambda batch, logs: calls.append(("batch", batch)),
                        on_train_end=lambda logs: calls.append("end"))
    drive([cb], model, [{"loss": 0.5}], batches_per_epoch=2)
    assert calls == ["begin", ("batch", 0), ("batch", 1), ("epoch", 0, 0.5), "end"]
    assert CallbackList([cb]).wants("on_train_batch_end")
    assert not CallbackList([LambdaCallback(on_epoch_end=print)]).wants("on_train_batch_end")
    with pytest.raises(TypeError, match="on_epoch_finish"):
        LambdaCallback(on_epoch_finish=print)


def test_tensorboard_writes_events_with_or_without_the_tensorboard_package(model, tmp_path):
    drive([TensorBoard(log_dir=str(tmp_path), histogram_freq=1)], model, [{"loss": 1.0, "val_loss": 2.0}])
    assert any((tmp_path / "train").iterdir()) and any((tmp_path / "validation").iterdir())
