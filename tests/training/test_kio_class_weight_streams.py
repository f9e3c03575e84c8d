"""`fit(class_weight=...)` weighs samples by class for every kind of data: arrays, a tf.data dataset, a
PyDataset and a Python generator (batch by batch), with integer, one-hot and (n, 1) labels, as Keras 3
does for arrays, datasets and PyDatasets (tf-keras 2 for generators too). Reference losses:
tests/fixtures/kio_class_weight_reference.json (make_kio_class_weight_reference.py)."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

_FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_class_weight_reference.json")
CLASS_WEIGHT = {0: 1.0, 1: 3.0, 2: 0.25}


@pytest.fixture(scope="module")
def reference():
    with open(_FIXTURE) as f:
        return json.load(f)


def _model(loss):
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(3, activation="softmax", name="head")(inputs)
    model = keras.Model(inputs, outputs)
    model.get_layer("head").set_weights([np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3),
                                         np.array([0.1, -0.2, 0.05], "float32")])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss=loss)
    return model


class _Batches(keras.utils.PyDataset):
    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y

    def __len__(self):
        return 2

    def __getitem__(self, index):
        return self.x[4 * index:4 * index + 4], self.y[4 * index:4 * index + 4]


def _targets():
    x = np.linspace(-1, 1, 32, dtype="float32").reshape(8, 4)
    labels = np.array([0, 1, 2, 1, 0, 2, 2, 1])
    return x, {"sparse": (labels, "sparse_categorical_crossentropy"),
               "one_hot": (np.eye(3, dtype="float32")[labels], "categorical_crossentropy"),
               "column": (labels.reshape(-1, 1).astype("float32"), "sparse_categorical_crossentropy")}


def _first_loss(loss, x, y=None, **kwargs):
    history = _model(loss).fit(x, y, epochs=1, verbose=0, shuffle=False, class_weight=CLASS_WEIGHT, **kwargs)
    return history.history["loss"][0]


@pytest.mark.parametrize("labels", ["sparse", "one_hot", "column"])
def test_class_weight_for_every_kind_of_data(reference, labels):
    x, cases = _targets()
    y, loss = cases[labels]
    expected = reference[labels]
    np.testing.assert_allclose(_first_loss(loss, x, y, batch_size=4), expected["arrays"], rtol=1e-5)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    np.testing.assert_allclose(_first_loss(loss, dataset), expected["tf_data"], rtol=1e-5)
    np.testing.assert_allclose(_first_loss(loss, _Batches(x, y)), expected["py_dataset"], rtol=1e-5)
    generator = ((x[i:i + 4], y[i:i + 4]) for i in (0, 4))
    np.testing.assert_allclose(_first_loss(loss, generator, steps_per_epoch=2), expected["py_dataset"], rtol=1e-5)


def test_class_weight_times_sample_weight_in_a_stream():
    """tf-keras 2 multiplies class and sample weights (Keras 3 refuses both); a zero sample weight wins."""
    x, cases = _targets()
    labels, loss = cases["sparse"]
    sample_weight = np.array([1, 0, 1, 0, 1, 0, 1, 0], "float32")
    batches = [(x[i:i + 4], labels[i:i + 4], sample_weight[i:i + 4]) for i in (0, 4)]
    streamed = _first_loss(loss, iter(batches), steps_per_epoch=2)
    arrays = _first_loss(loss, x, labels, sample_weight=sample_weight, batch_size=4)
    np.testing.assert_allclose(streamed, arrays, rtol=1e-6)
    probabilities = _model(loss).predict(x, verbose=0)
    per_sample = -np.log(probabilities[np.arange(8), labels]) * sample_weight * np.array(
        [CLASS_WEIGHT[c] for c in labels])
    np.testing.assert_allclose(streamed, per_sample.reshape(2, 4).mean(axis=1).mean(), rtol=1e-5)


def test_class_weight_needs_a_single_output():
    x, cases = _targets()
    labels, loss = cases["sparse"]
    with pytest.raises(ValueError, match="single output"):
        _model(loss).fit(x, [labels, labels], class_weight=CLASS_WEIGHT, verbose=0)
