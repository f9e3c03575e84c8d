"""tf-keras 2's `model.add_loss(tensor)` / `model.add_metric(tensor, name=...)` on a functional model,
with tensors written over the model's inputs and outputs after `Model(inputs, outputs)` (keras-io's
older VAE and "endpoint layer" examples): the loss is computed again at every call, from that call's
data, and counts in fit and evaluate; the metric is listed at once and logged under its name. Keras 3
refuses both calls, so the reference numbers were recorded from tf-keras 2 by
tests/fixtures/make_kio_symbolic_add_loss_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras
from tkeras import ops

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_symbolic_add_loss_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def _model_with_added_terms():
    inputs = tkeras.Input((4,))
    outputs = tkeras.layers.Dense(2, kernel_initializer="ones")(inputs)
    model = tkeras.Model(inputs, outputs)
    model.add_loss(ops.mean(ops.square(outputs - inputs[:, :2])))
    model.add_metric(ops.sum(outputs), name="total")
    model.add_metric(ops.mean(outputs), name="average", aggregation="mean")
    return model


def _assert_history(history, expected):
    assert list(history) == list(expected)
    for key, values in expected.items():
        np.testing.assert_allclose(history[key], values, rtol=1e-5, err_msg=key)


def test_loss_is_computed_again_at_every_call(reference):
    x = np.array(reference["x"], "float32")
    model = _model_with_added_terms()
    assert [m.name for m in model.metrics] == reference["metric_names"]
    for batch, expected in zip((x, 2 * x), reference["call_losses"]):
        model(batch)
        np.testing.assert_allclose([float(loss) for loss in model.losses], expected, rtol=1e-6)


def test_fit_and_evaluate_count_the_added_loss_and_log_the_metrics(reference):
    x, y = np.array(reference["x"], "float32"), np.array(reference["y"], "float32")
    model = _model_with_added_terms()
    model.compile(tkeras.optimizers.SGD(0.01), loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    _assert_history(history.history, reference["history"])
    evaluation = model.evaluate(x, y, batch_size=3, verbose=0, return_dict=True)
    _assert_history({k: [v] for k, v in evaluation.items()}, {k: [v] for k, v in reference["evaluation"].items()})


def test_added_loss_alone_trains_without_targets(reference):
    x = np.array(reference["x"], "float32")
    model = _model_with_added_terms()
    model.compile(tkeras.optimizers.SGD(0.01))
    history = model.fit(x, epochs=1, batch_size=3, verbose=0)
    _assert_history(history.history, reference["only_added_history"])


def test_a_model_without_added_terms_keeps_its_plan():
    inputs = tkeras.Input((4,))
    model = tkeras.Model(inputs, tkeras.layers.Dense(2)(inputs))
    steps = len(model._plan)
    model.add_loss(ops.mean(model.output))
    assert len(model._plan) == steps + 2  # the mean, then the step that reports it


def test_add_metric_refuses_a_second_metric_of_one_name():
    model = _model_with_added_terms()
    with pytest.raises(ValueError, match="'total' was already added"):
        model.add_metric(ops.max(model.output), name="total")
