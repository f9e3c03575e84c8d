"""Keras 3's PyDataset contract as the training guide uses it: `num_batches`, an endless dataset, and
the worker settings (keras-io guides/training_with_built_in_methods.py)."""
import numpy as np
import pytest

import tkeras as keras


class LenDataset(keras.utils.PyDataset):
    def __init__(self, n, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x = np.arange(n * 3, dtype="float32").reshape(n, 3)
        self.y = np.ones((n, 1), "float32")
        self.batch_size = batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, idx):
        s = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        return self.x[s], self.y[s]


class NumBatchesDataset(keras.utils.PyDataset):
    """Keras 3 style: the count is the `num_batches` property, there is no __len__."""

    def __init__(self, count):
        super().__init__()
        self.count = count
        self.seen = []

    @property
    def num_batches(self):
        return self.count

    def __getitem__(self, idx):
        self.seen.append(idx)
        return np.full((2, 3), idx, "float32"), np.zeros((2, 1), "float32")


class NoSuperInit(keras.utils.PyDataset):
    def __init__(self):
        pass

    def __len__(self):
        return 1


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_num_batches_comes_from_len_and_len_from_num_batches():
    assert LenDataset(10, 4, workers=4).num_batches == 3
    assert LenDataset(10, 4, workers=4).workers == 4
    dataset = NumBatchesDataset(5)
    assert len(dataset) == 5 and len(list(dataset)) == 5


def test_worker_settings_default_without_super_init():
    dataset = NoSuperInit()
    assert (dataset.workers, dataset.use_multiprocessing, dataset.max_queue_size) == (1, False, 10)


def test_a_dataset_without_a_count_says_so():
    class Uncounted(keras.utils.PyDataset):
        def __getitem__(self, idx):
            return np.zeros((1, 3)), np.zeros((1, 1))

    with pytest.raises(NotImplementedError, match="num_batches"):
        Uncounted().num_batches


def test_fit_runs_num_batches_steps():
    dataset = NumBatchesDataset(3)
    history = _model().fit(dataset, epochs=2, verbose=0)
    assert history.params["steps"] == 3
    assert sorted(dataset.seen[:3]) == sorted(dataset.seen[3:]) == [0, 1, 2]  # each epoch, shuffled


def test_endless_dataset_runs_steps_per_epoch():
    dataset = NumBatchesDataset(None)
    _model().fit(dataset, epochs=2, steps_per_epoch=2, verbose=0)
    assert dataset.seen == [0, 1, 2, 3]
