"""Learning-rate schedules against their closed forms (reference.py), their Keras call conventions,
config round trips, and optimizers reading the rate of the current iteration."""
import json

import numpy as np
import pytest
import torch

from tests.optimizers import as_tensors, gradient_steps, initial_values, make_variables, values_of
from tests.optimizers import reference
from tkeras import optimizers
from tkeras.optimizers import schedules

STEPS = list(range(0, 25)) + [7.5, 100, 1000]

CASES = [
    (schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5),
     lambda s: reference.exponential_decay(s, 0.1, 4, 0.5)),
    (schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5, staircase=True),
     lambda s: reference.exponential_decay(s, 0.1, 4, 0.5, staircase=True)),
    (schedules.PiecewiseConstantDecay([3, 10], [1.0, 0.5, 0.1]),
     lambda s: reference.piecewise_constant(s, [3, 10], [1.0, 0.5, 0.1])),
    (schedules.PiecewiseConstantDecay([5], [0.2, 0.02]), lambda s: reference.piecewise_constant(s, [5], [0.2, 0.02])),
    (schedules.CosineDecay(0.1, decay_steps=10), lambda s: reference.cosine_decay(s, 0.1, 10)),
    (schedules.CosineDecay(0.1, decay_steps=10, alpha=0.2), lambda s: reference.cosine_decay(s, 0.1, 10, 0.2)),
    (schedules.CosineDecay(0.0, decay_steps=10, alpha=0.1, warmup_target=0.4, warmup_steps=5),
     lambda s: reference.cosine_decay(s, 0.0, 10, 0.1, 0.4, 5)),
    (schedules.InverseTimeDecay(0.1, decay_steps=3, decay_rate=0.5),
     lambda s: reference.inverse_time_decay(s, 0.1, 3, 0.5)),
    (schedules.InverseTimeDecay(0.1, decay_steps=3, decay_rate=0.5, staircase=True),
     lambda s: reference.inverse_time_decay(s, 0.1, 3, 0.5, staircase=True)),
    (schedules.PolynomialDecay(0.1, decay_steps=8), lambda s: reference.polynomial_decay(s, 0.1, 8)),
    (schedules.PolynomialDecay(0.1, decay_steps=8, end_learning_rate=0.01, power=2.0),
     lambda s: reference.polynomial_decay(s, 0.1, 8, 0.01, 2.0)),
    (schedules.PolynomialDecay(0.1, decay_steps=8, end_learning_rate=0.01, power=0.5, cycle=True),
     lambda s: reference.polynomial_decay(s, 0.1, 8, 0.01, 0.5, cycle=True)),
    (schedules.CosineDecayRestarts(0.1, first_decay_steps=4),
     lambda s: reference.cosine_decay_restarts(s, 0.1, 4)),
    (schedules.CosineDecayRestarts(0.1, first_decay_steps=3, t_mul=1.0, m_mul=0.5, alpha=0.1),
     lambda s: reference.cosine_decay_restarts(s, 0.1, 3, 1.0, 0.5, 0.1)),
    (schedules.CosineDecayRestarts(0.1, first_decay_steps=3, t_mul=3.0, m_mul=0.8, alpha=0.05),
     lambda s: reference.cosine_decay_restarts(s, 0.1, 3, 3.0, 0.8, 0.05)),
]
IDS = [f"{type(s).__name__}-{i}" for i, (s, _) in enumerate(CASES)]


@pytest.mark.parametrize("schedule, closed_form", CASES, ids=IDS)
def test_schedule_matches_closed_form(schedule, closed_form):
    for step in STEPS:
        assert float(schedule(step)) == pytest.approx(closed_form(step), rel=1e-5, abs=1e-9), step


@pytest.mark.parametrize("schedule, closed_form", CASES, ids=IDS)
def test_schedule_accepts_tensors_variables_and_arrays(schedule, closed_form):
    value = schedule(torch.tensor(6))
    assert value.dtype == torch.float32 and tuple(value.shape) == ()
    assert float(value) == pytest.approx(closed_form(6), rel=1e-5)
    optimizer = optimizers.SGD()
    optimizer.iterations = 9
    assert float(schedule(optimizer.iterations)) == pytest.approx(closed_form(9), rel=1e-5)
    steps = np.arange(12)
    values = np.asarray(schedule(steps))
    np.testing.assert_allclose(values, [closed_form(s) for s in steps], rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("schedule, closed_form", CASES, ids=IDS)
def test_schedule_config_round_trip(schedule, closed_form):
    data = json.loads(json.dumps(schedules.serialize(schedule)))
    assert data["class_name"] == type(schedule).__name__
    assert data["module"] == "keras.optimizers.schedules"
    restored = schedules.deserialize(data)
    assert type(restored) is type(schedule)
    assert restored.get_config() == schedule.get_config()
    assert type(schedule).from_config(schedule.get_config()).get_config() == schedule.get_config()
    for step in (0, 3, 11, 40):
        assert float(restored(step)) == float(schedule(step))


def test_keras_config_keys_and_default_names():
    assert schedules.ExponentialDecay(0.1, 10, 0.9).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9, "staircase": False,
        "name": "ExponentialDecay"}
    assert schedules.PiecewiseConstantDecay([1], [0.1, 0.2]).get_config() == {
        "boundaries": [1], "values": [0.1, 0.2], "name": "PiecewiseConstant"}
    assert schedules.PolynomialDecay(0.1, 5).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 5, "end_learning_rate": 0.0001, "power": 1.0,
        "cycle": False, "name": "PolynomialDecay"}
    assert schedules.InverseTimeDecay(0.1, 5, 0.5).get_config()["name"] == "InverseTimeDecay"
    assert schedules.CosineDecay(0.1, 5).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 5, "alpha": 0.0, "name": "CosineDecay",
        "warmup_target": None, "warmup_steps": 0}
    assert schedules.CosineDecayRestarts(0.1, 5).get_config() == {
        "initial_learning_rate": 0.1, "first_decay_steps": 5, "t_mul": 2.0, "m_mul": 1.0, "alpha": 0.0,
        "name": "SGDRDecay"}


def test_bad_schedule_arguments():
    for make in (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), lambda: schedules.InverseTimeDecay(0.1, -1, 0.5),
                 lambda: schedules.PolynomialDecay(0.1, 0), lambda: schedules.CosineDecay(0.1, 0)):
        with pytest.raises(ValueError, match="decay_steps"):
            make()
    with pytest.raises(ValueError, match="first_decay_steps"):
        schedules.CosineDecayRestarts(0.1, 0)
    with pytest.raises(ValueError, match="boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="Nope"):
        schedules.deserialize({"class_name": "Nope", "config": {}})


# -- schedules inside optimizers ----------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["sgd", "adam", "rmsprop", "nadam"])
@pytest.mark.parametrize("schedule, closed_form", [CASES[1], CASES[2], CASES[6], CASES[11]],
                         ids=[IDS[1], IDS[2], IDS[6], IDS[11]])
def test_optimizer_uses_the_rate_of_the_current_iteration(kind, schedule, closed_form):
    grads = gradient_steps(12)
    variables = make_variables(initial_values())
    optimizer = {"sgd": optimizers.SGD, "adam": optimizers.Adam, "rmsprop": optimizers.RMSprop,
                 "nadam": optimizers.Nadam}[kind](learning_rate=schedule)
    for t, step_grads in enumerate(grads):
        assert float(optimizer.learning_rate) == pytest.approx(closed_form(t), rel=1e-5, abs=1e-9)
        optimizer.apply(as_tensors(step_grads), variables)
    expected = reference.run(kind, initial_values(), grads, lr_at=closed_form)
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)


def test_custom_schedule_subclasses():
    class Linear(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.01 * (float(step) + 1)

        def get_config(self):
            return {}

    class HalfExponential(schedules.ExponentialDecay):  # a built-in with its __call__ overridden
        def __call__(self, step):
            return super().__call__(step) / 2

    grads = gradient_steps(4)
    for schedule, rate in ((Linear(), lambda s: 0.01 * (s + 1)),
                           (HalfExponential(0.2, decay_steps=1, decay_rate=0.5), lambda s: 0.1 * 0.5 ** s)):
        variables = make_variables(initial_values())
        optimizer = optimizers.SGD(learning_rate=schedule, momentum=0.5)
        for step_grads in grads:
            optimizer.apply(as_tensors(step_grads), variables)
        expected = reference.run("sgd", initial_values(), grads, lr_at=rate, momentum=0.5)
        for actual, want in zip(values_of(variables), expected):
            np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)


def test_base_schedule_must_be_overridden():
    with pytest.raises(NotImplementedError):
        schedules.LearningRateSchedule()(0)


def test_custom_schedule_deserialized_through_custom_objects():
    class Constant(schedules.LearningRateSchedule):
        def __init__(self, value):
            self.value = value

        def __call__(self, step):
            return self.value

        def get_config(self):
            return {"value": self.value}

    optimizer = optimizers.Adam(learning_rate=Constant(0.25))
    data = json.loads(json.dumps(optimizers.serialize(optimizer)))
    restored = optimizers.deserialize(data, custom_objects={"Constant": Constant})
    assert float(restored.learning_rate) == 0.25
