"""Keras 3.15's newer optimizers (Adafactor, Ftrl, Lamb, Muon, ScheduleFreeAdamW, MultiOptimizer) against
updates real Keras applied to the same float32 variables with the same gradients, five steps each
(tests/fixtures/optimizer_steps.json, made by tests/fixtures/make_optimizer_steps.py), plus the
optimizers' `variables` (Keras order, names, shapes) and `get_config()` keys and values."""
import json
import os

import numpy as np
import pytest
import torch

from tkeras import optimizers
from tkeras.backend.variable import Variable

FIXTURE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "optimizer_steps.json")
with open(FIXTURE) as f:
    DATA = json.load(f)
CASES = DATA["cases"]
IDS = [f"{c['class_name']}-{i}" for i, c in enumerate(CASES)]


def build_optimizer(case):
    if case["class_name"] == "MultiOptimizer":
        mapping = optimizers.OptimizerMap(optimizers.SGD(0.1, momentum=0.5), {"bias": optimizers.Adam(0.05)})
        return optimizers.MultiOptimizer(mapping)
    return getattr(optimizers, case["class_name"])(**case["arguments"])


def replay(case):
    names = case["names"]
    variables = [Variable(torch.tensor(case["initial"][n], dtype=torch.float32), name=n) for n in names]
    optimizer = build_optimizer(case)
    after = []
    for step in case["gradients"]:
        optimizer.apply([torch.tensor(step[n], dtype=torch.float32) for n in names], variables)
        after.append([v.detach().numpy().copy() for v in variables])
    return optimizer, variables, after


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_step_matches_real_keras(case):
    _, _, after = replay(case)
    for step, (actual, expected) in enumerate(zip(after, case["after_each_step"])):
        for name, value in zip(case["names"], actual):
            want = np.asarray(expected[name], dtype=np.float32)
            np.testing.assert_allclose(value, want, rtol=2e-5, atol=2e-6, err_msg=f"step {step + 1}, {name}")
    moved = [np.abs(np.asarray(case["after_each_step"][-1][n]) - np.asarray(case["initial"][n])).max()
             for n in case["names"]]
    assert max(moved) > 1e-4  # the fixture really moves the weights, so a no-op update cannot pass


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_variables_in_keras_order(case):
    optimizer, _, _ = replay(case)
    actual = [[v.name, list(v.shape)] for v in optimizer.variables]
    assert actual == case["optimizer_variables"]


@pytest.mark.parametrize("class_name", sorted(DATA["default_configs"]))
def test_default_config_is_keras(class_name):
    expected = dict(DATA["default_configs"][class_name])
    if class_name == "LossScaleOptimizer":
        optimizer = optimizers.LossScaleOptimizer(optimizers.SGD())
        expected["inner_optimizer"] = {**expected["inner_optimizer"],
                                       "config": {**expected["inner_optimizer"]["config"], "name": "sgd"}}
    else:
        optimizer = getattr(optimizers, class_name)()
        expected.pop("name")  # Keras numbers optimizers made in one process (adafactor_2); tkeras does not
    config = optimizer.get_config()
    if class_name != "LossScaleOptimizer":
        assert config.pop("name") == {"ScheduleFreeAdamW": "schedule_free_adam_w"}.get(class_name, class_name.lower())
    assert list(config) == list(expected)
    for key, value in expected.items():
        if isinstance(value, float):
            assert config[key] == pytest.approx(value, rel=1e-6), key
        elif key != "inner_optimizer":
            assert config[key] == value, key


def test_config_round_trip_keeps_the_update():
    for case in CASES[:-1]:
        optimizer = build_optimizer(case)
        clone = optimizers.deserialize(json.loads(json.dumps(optimizers.serialize(optimizer))))
        assert type(clone) is type(optimizer)
        assert clone.get_config() == optimizer.get_config()


def test_multi_optimizer_config_as_keras_writes_it():
    case = CASES[-1]
    optimizer, _, _ = replay(case)
    written = optimizers.serialize(optimizer)
    assert written["class_name"] == "MultiOptimizer" and written["module"] == "keras.optimizers"
    inner = written["config"]["optimizer_map"]
    assert inner["class_name"] == "OptimizerMap"
    expected = case["config"]["config"]["optimizer_map"]["config"]
    assert list(inner["config"]["optimizer_map"]) == list(expected["optimizer_map"]) == ["bias"]
    assert inner["config"]["default_optimizer"]["config"]["momentum"] == 0.5
    clone = optimizers.deserialize(json.loads(json.dumps(written)))
    assert [type(o).__name__ for o in clone.optimizers] == ["Adam", "SGD"]
