"""tf-keras 2 utilities: to_ordinal, warmstart_embedding_matrix, TimedThread, model_from_yaml's refusal,
and the `optimizers.experimental` / `callbacks.experimental` spellings."""
import threading
import time

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.utils import TimedThread, to_ordinal, warmstart_embedding_matrix


def test_to_ordinal_counts_ones_up_to_the_class():
    np.testing.assert_array_equal(to_ordinal([0, 1, 2, 3], num_classes=4),
                                  [[0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]])
    column = to_ordinal(np.array([[2], [0]]))
    assert column.shape == (2, 2) and column.dtype == np.float32
    np.testing.assert_array_equal(column, [[1, 1], [0, 0]])
    grid = to_ordinal(np.array([[1, 2], [0, 1]]), num_classes=3, dtype="int32")
    assert grid.shape == (2, 2, 2) and grid.dtype == np.int32
    with pytest.raises(ValueError, match="class index 4, which does not fit num_classes=3"):
        to_ordinal([4], num_classes=3)


def test_warmstart_copies_shared_rows_and_initialises_the_rest(tmp_path):
    base = np.arange(8, dtype="float32").reshape(4, 2)
    vocabulary_file = tmp_path / "new.txt"
    vocabulary_file.write_text("dog\nemu\ncat\n")
    matrix = warmstart_embedding_matrix(["cat", "dog", "eel", "fox"], str(vocabulary_file), base,
                                        new_embeddings_initializer=keras.initializers.Constant(-1.0))
    assert isinstance(matrix, torch.Tensor) and matrix.shape == (3, 2)
    np.testing.assert_array_equal(matrix.numpy(), [[2, 3], [-1, -1], [0, 1]])
    with pytest.raises(ValueError, match="one row per base_vocabulary term \\(2, dim\\); received shape \\(4, 2\\)"):
        warmstart_embedding_matrix(["a", "b"], ["a"], base)
    with pytest.raises(ValueError, match="vocabulary file .*missing.txt does not exist"):
        warmstart_embedding_matrix(str(tmp_path / "missing.txt"), ["a"], base)


class Counter(TimedThread):
    def __init__(self, interval):
        super().__init__(interval)
        self.calls = 0
        self.called = threading.Event()

    def on_interval(self):
        self.calls += 1
        if self.calls >= 3:
            self.called.set()


def test_timed_thread_calls_on_interval_until_stopped():
    with Counter(0.01) as counter:
        assert counter.called.wait(5)
        assert counter.is_alive() and counter.thread.daemon
    counter.thread.join(5)
    calls = counter.calls
    time.sleep(0.05)
    assert not counter.is_alive() and counter.calls == calls
    with pytest.raises(NotImplementedError, match="must implement on_interval"):
        TimedThread(1).on_interval()


def test_removed_and_renamed_tf_keras_names():
    with pytest.raises(RuntimeError, match="model_from_yaml\\(\\)` has been removed.*model_from_json"):
        keras.models.model_from_yaml("a: 1")
    assert keras.optimizers.experimental.AdamW is keras.optimizers.AdamW
    assert keras.optimizers.experimental.Adafactor is keras.optimizers.Adafactor
    assert keras.callbacks.experimental.BackupAndRestore is keras.callbacks.BackupAndRestore
