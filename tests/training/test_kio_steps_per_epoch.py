"""fit(steps_per_epoch=k) draws on from where the last epoch stopped, as Keras 3 does; a pass of a sized
dataset (or of arrays) that ends inside an epoch ends that epoch and the next starts over; validation
starts over each time. Recorded from real Keras 3 by tests/fixtures/make_kio_steps_per_epoch_reference.py."""
import json
import os
import warnings

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

_REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                         "kio_steps_per_epoch_reference.json")))
X = np.arange(12, dtype="float32").reshape(12, 1)


class _Recorder(keras.Model):
    seen = None

    def train_step(self, data):
        self.seen.append(f"t{int(data[0][0, 0])}")
        return {}

    def test_step(self, data):
        self.seen.append(f"v{int(data[0][0, 0])}")
        return {}


class _Batches(keras.utils.PyDataset):
    def __len__(self):
        return 6

    def __getitem__(self, index):
        return X[2 * index:2 * index + 2], X[2 * index:2 * index + 2]


def _make(source):
    if source[0] == "py_dataset":
        return _Batches()
    if source[0] == "dataset":
        ds = tf.data.Dataset.from_tensor_slices((X, X)).batch(2)
        if source[1] == "repeat":
            return ds.repeat()
        if source[1] == "filter":
            return ds.filter(lambda a, b: True)
        return ds

    def generator():
        i = 0
        while True:
            j = (2 * i) % 12
            yield X[j:j + 2], X[j:j + 2]
            i += 1
    return generator()


@pytest.mark.parametrize("name", sorted(_REFERENCE["cases"]))
def test_batches_per_epoch_match_keras3(name):
    expected = _REFERENCE["results"][name]
    kwargs = dict(_REFERENCE["cases"][name])
    source = kwargs.pop("x")
    if source[0] == "arrays":
        kwargs.update(x=X, y=X, batch_size=2, shuffle=False)
    else:
        kwargs["x"] = _make(source)
    if "validation_data" in kwargs:
        kwargs["validation_data"] = _make(kwargs["validation_data"])
    inputs = keras.Input((1,))
    model = _Recorder(inputs, keras.layers.Dense(1)(inputs))
    model.seen = []
    model.compile("sgd", "mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(verbose=0, **kwargs)
    assert model.seen == expected["batches"]
    assert len(history.epoch) == expected["epochs_run"]
    assert any("ran out" in str(w.message) for w in caught) == expected["ran_out_warning"]


def test_shuffled_arrays_see_every_sample_once_per_pass():
    inputs = keras.Input((1,))
    model = _Recorder(inputs, keras.layers.Dense(1)(inputs))
    model.seen = []
    model.compile("sgd", "mse")
    model.fit(X, X, batch_size=1, epochs=4, steps_per_epoch=6, shuffle=True, verbose=0)
    first, second = model.seen[:12], model.seen[12:]
    assert sorted(first) == sorted(second) == sorted(f"t{i}" for i in range(12))
