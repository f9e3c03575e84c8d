"""tf-keras 2's OptimizerV2 subclassing API (`optimizers.legacy.Optimizer` with `_create_slots`,
`add_slot`, `get_slot`, `_set_hyper`, `_get_hyper`, `_prepare_local`, `_resource_apply_dense`), checked
against numbers recorded with tf-keras 2.21 (tests/fixtures/make_legacy_custom_optimizer_reference.py
defines the optimizer once, for either library, and wrote legacy_custom_optimizer_reference.json)."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tests.fixtures.make_legacy_custom_optimizer_reference import (
    BIAS, CASES, KERNEL, X, Y, define_optimizer, gradients)
from tkeras.optimizers.legacy_custom_steps import _update_through_resource_apply

with open(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures",
                       "legacy_custom_optimizer_reference.json")) as f:
    REF = json.load(f)

LegacyMomentum = define_optimizer(keras)


def _close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual, np.float64), np.asarray(expected, np.float64),
                               rtol=1e-5, atol=1e-6)


def test_class_takes_the_per_variable_route_and_builtins_do_not():
    assert LegacyMomentum._update is _update_through_resource_apply
    assert keras.optimizers.SGD._update is not _update_through_resource_apply
    assert keras.optimizers.legacy.Optimizer is keras.optimizers.Optimizer


@pytest.mark.parametrize("label", sorted(CASES))
@pytest.mark.parametrize("entry", ["apply_gradients", "step_from_grads"])
def test_three_steps_match_tf_keras(label, entry):
    optimizer = LegacyMomentum(**CASES[label])
    variables = [keras.Variable(KERNEL, name="kernel"), keras.Variable(BIAS, name="bias")]
    for step, expected in enumerate(REF[label]["steps"]):
        grads = [torch.tensor(g) for g in gradients(step)]
        if entry == "apply_gradients":
            optimizer.apply_gradients(zip(grads, variables))
        else:
            for v, g in zip(variables, grads):
                v.grad = g.clone()
            optimizer.step_from_grads(variables)
        for v, e in zip(variables, expected["vars"]):
            _close(v.detach(), e)
        for v, e in zip(variables, expected["m"]):
            _close(optimizer.get_slot(v, "m").detach(), e)
    assert optimizer.get_slot_names() == REF[label]["slot_names"]
    assert int(optimizer.iterations) == REF[label]["iterations"]


def test_config_and_hyper_attributes():
    optimizer = LegacyMomentum(**CASES["decay"])
    config = optimizer.get_config()
    for key, value in REF["decay"]["config"].items():
        assert config[key] == pytest.approx(value) if not isinstance(value, str) else config[key] == value
    assert optimizer.name == "LegacyMomentum"
    assert optimizer.momentum == 0.5
    assert float(optimizer._get_hyper("learning_rate", torch.float32)) == pytest.approx(0.2)
    clone = LegacyMomentum.from_config(config)
    assert clone.momentum == 0.5 and float(clone.learning_rate) == pytest.approx(0.2)
    with pytest.raises(KeyError, match="LegacyMomentum._get_hyper: no hyperparameter 'beta'"):
        optimizer._get_hyper("beta")


def test_fit_matches_tf_keras():
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    model.layers[0].set_weights([KERNEL, BIAS])
    model.compile(optimizer=LegacyMomentum(learning_rate=0.05, momentum=0.8), loss="mse")
    history = model.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    _close(history.history["loss"], REF["fit"]["loss"])
    for w, e in zip(model.get_weights(), REF["fit"]["weights"]):
        _close(w, e)


def test_get_gradients_get_updates_and_add_weight():
    optimizer = keras.optimizers.SGD(learning_rate=0.5, clipvalue=0.25)
    w = keras.Variable(np.array([1.0, -2.0], np.float32), name="w")
    loss = (w * torch.tensor([1.0, 0.1])).sum()
    grads = optimizer.get_gradients(loss, [w])
    _close(grads[0], [0.25, 0.1])
    optimizer.get_updates(loss, [w])
    _close(w.detach(), [0.875, -2.05])
    assert int(optimizer.iterations) == 1
    extra = optimizer.add_weight("counter", shape=(2,), initializer="ones")
    _close(extra.detach(), [1.0, 1.0])
    assert any(v is extra for v in optimizer.variables)
    unused = keras.Variable(np.zeros(2, np.float32), name="unused")
    with pytest.raises(ValueError, match="SGD.get_gradients: variable .*unused"):
        optimizer.get_gradients((w * 2).sum(), [w, unused])


def test_get_slot_reads_builtin_slots_and_errors():
    optimizer = keras.optimizers.Adam()
    w = keras.Variable(np.ones(2, np.float32), name="w")
    optimizer.apply_gradients([(torch.ones(2), w)])
    assert optimizer.get_slot_names() == ["momentum", "velocity"]
    _close(optimizer.get_slot(w, "momentum").detach(), [0.1, 0.1])
    with pytest.raises(KeyError, match="Adam.get_slot: no slot 'm'"):
        optimizer.get_slot(w, "m")
