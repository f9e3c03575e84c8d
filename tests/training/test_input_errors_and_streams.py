"""fit's arguments as Keras checks them: ragged lists, missing targets and fractional batch sizes are
clear errors naming the argument; generators without steps_per_epoch run until they end (Keras 3);
BackupAndRestore backs up every `save_freq` batches when given an integer."""
import os
import warnings

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.callbacks import BackupAndRestore, Callback


def _classifier():
    torch.manual_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    return model


X = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
Y = np.eye(2, dtype="float32")[np.arange(8) % 2]


def test_a_ragged_list_is_an_unrecognized_data_type():
    with pytest.raises(ValueError, match=r"Unrecognized data type: x=\[\[1\.0, 2\.0, 3\.0\], \[1\.0, 2\.0\]\].*"
                                         r"row lengths \[2, 3\].*pad_sequences"):
        _classifier().fit([[1.0, 2.0, 3.0], [1.0, 2.0]], Y[:2], verbose=0)


def test_lists_of_numbers_are_one_array_as_in_keras_2():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    xs, ys = [-1.0, 0.0, 1.0, 2.0], [-3.0, -1.0, 1.0, 3.0]  # the TF 2 "hello world" with plain lists
    history = model.fit(xs, ys, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    listed = _classifier()
    arrayed = _classifier()
    listed.fit(X.tolist(), Y.tolist(), batch_size=4, shuffle=False, verbose=0)
    arrayed.fit(X, Y, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(listed.get_weights(), arrayed.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_no_targets_for_a_loss_that_needs_them_names_the_loss():
    with pytest.raises(ValueError, match=r"loss 'categorical_crossentropy'.*no targets were given \(y is None\)"):
        _classifier().fit(X, None, verbose=0)
    with pytest.raises(ValueError, match="y is None"):
        _classifier().evaluate(X, verbose=0)


@pytest.mark.parametrize("batch_size", [2.5, 0, -4, "32", True])
def test_a_batch_size_that_is_not_a_positive_integer_is_refused(batch_size):
    with pytest.raises(ValueError, match=rf"batch_size must be a positive integer.*received {batch_size!r}"):
        _classifier().fit(X, Y, batch_size=batch_size, verbose=0)
    assert len(_classifier().fit(X, Y, batch_size=np.int64(4), verbose=0).history["loss"]) == 1


def _batches(count):
    for i in range(count):
        yield X[i % 4 * 2: i % 4 * 2 + 2], Y[i % 4 * 2: i % 4 * 2 + 2]


def test_a_generator_without_steps_runs_to_its_end_then_training_stops():
    seen = []

    class Count(Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)

    model = _classifier()
    with pytest.warns(UserWarning, match="Your input ran out of data; interrupting training"):
        history = model.fit(_batches(5), epochs=3, verbose=0, callbacks=[Count()])
    assert seen == [0, 1, 2, 3, 4]
    assert history.epoch == [0]  # the second epoch found the generator used up, as in Keras 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(model.fit(_batches(6), epochs=2, steps_per_epoch=3, verbose=0).history["loss"]) == 2


def test_backup_and_restore_accepts_an_integer_save_freq(tmp_path):
    backup = str(tmp_path / "backup")
    writes = []

    class Interrupt(Callback):
        def on_train_batch_end(self, batch, logs=None):
            writes.append(os.path.getmtime(os.path.join(backup, "latest.weights.h5"))
                          if os.path.exists(os.path.join(backup, "latest.weights.h5")) else None)
            if self.model._epoch_for_test == 1 and batch == 2:
                raise KeyboardInterrupt("simulated interruption")

    class Epoch(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.model._epoch_for_test = epoch

    model = _classifier()
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, batch_size=2, epochs=3, verbose=0, shuffle=False,
                  callbacks=[Epoch(), BackupAndRestore(backup, save_freq=3), Interrupt()])
    assert writes[:3] == [None, None, writes[2]] and writes[2] is not None  # first backup after batch 3
    resumed = _classifier()
    history = resumed.fit(X, Y, batch_size=2, epochs=3, verbose=0, shuffle=False,
                          callbacks=[BackupAndRestore(backup, save_freq=3)])
    assert history.epoch == [1, 2]  # the epoch that was interrupted runs again, as in Keras 3
    with pytest.raises(ValueError, match="save_freq=2.5.*'epoch' or a positive integer"):
        BackupAndRestore(backup, save_freq=2.5)
