"""Loss trackers weigh each batch by its size (10 samples in batches of 4: a last batch of 2), against
real Keras (tests/fixtures/make_kio_loss_tracker_batch_weights_reference.py): the per-output
"<name>_loss" trackers of a multi-output model, and the "loss" tracker fed by a Keras 2 test_step that
calls `self.compiled_loss(...)` (keras-io's customizing_what_happens_in_fit)."""
import json
import os

import numpy as np
import pytest

import tkeras

_REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                         "kio_loss_tracker_batch_weights_reference.json")))


def _data():
    rng = np.random.RandomState(0)
    x = rng.rand(10, 4).astype("float32")
    y1 = rng.rand(10, 2).astype("float32")
    y2 = np.eye(3, dtype="float32")[rng.randint(0, 3, 10)]
    return x, y1, y2


def _two_outputs():
    inputs = tkeras.Input((4,))
    score = tkeras.layers.Dense(2, name="score_output", kernel_initializer="ones")(inputs)
    kernel = tkeras.initializers.Constant(np.arange(12).reshape(4, 3) / 5.0)
    label = tkeras.layers.Dense(3, activation="softmax", name="class_output", kernel_initializer=kernel)(inputs)
    return tkeras.Model(inputs, [score, label])


def _check(logs, expected):
    for name, value in expected.items():
        assert float(logs[name]) == pytest.approx(value, rel=1e-5), name


def test_per_output_loss_trackers_weigh_batches_by_size():
    x, y1, y2 = _data()
    model = _two_outputs()
    model.compile("sgd", loss=["mse", "categorical_crossentropy"], loss_weights=[1.0, 0.5])
    logs = model.evaluate(x, [y1, y2], batch_size=4, return_dict=True, verbose=0)
    _check(logs, _REFERENCE["keras3"]["both_losses"])
    _check(logs, _REFERENCE["tf_keras"]["both_losses"])


def test_output_without_loss_and_its_neighbour():
    # Keras 3 leaves out the tracker of the one output with a loss here; tf-keras 2 logs it. tkeras logs
    # it (tf-keras code reads history["class_output_loss"]) with tf-keras' value.
    x, y1, y2 = _data()
    model = _two_outputs()
    model.compile("sgd", loss=[None, "categorical_crossentropy"])
    logs = model.evaluate(x, [y1, y2], batch_size=4, return_dict=True, verbose=0)
    _check(logs, _REFERENCE["tf_keras"]["first_loss_none"])


def test_keras2_compiled_loss_call_weighs_batches_by_size():
    class Keras2Step(tkeras.Model):
        def test_step(self, batch):
            bx, by = batch
            prediction = self(bx, training=False)
            self.compiled_loss(by, prediction, regularization_losses=self.losses)
            self.compiled_metrics.update_state(by, prediction)
            return {m.name: m.result() for m in self.metrics}

    x, y1, _ = _data()
    inputs = tkeras.Input((4,))
    model = Keras2Step(inputs, tkeras.layers.Dense(2, kernel_initializer="ones")(inputs))
    model.compile("sgd", loss="mse", metrics=["mae"])
    logs = model.evaluate(x, y1, batch_size=4, return_dict=True, verbose=0)
    _check(logs, _REFERENCE["tf_keras"]["keras2_compiled_loss"])
