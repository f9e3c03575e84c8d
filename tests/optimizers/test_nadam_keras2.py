"""Keras 1/2's Nadam (`schedule_decay`) against a NumPy float64 re-implementation of its update, written
from Keras 2's formulas (standalone keras/optimizers.py, tf.keras' optimizer_v2 Nadam) in their own
algebraic form (g', m', v' and m-bar), independently of tkeras' foreach code."""
import json

import numpy as np
import pytest

from tests.optimizers import as_tensors, gradient_steps, initial_values, make_variables, values_of
from tests.optimizers import reference as keras3_reference
from tkeras import optimizers


def keras2_nadam(params, grads, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, schedule_decay=0.004):
    """Parameters after `len(grads)` Keras 2 Nadam updates (float64).

    Per update t = 1, 2, ...: mu_t = beta_1 (1 - 0.5 * 0.96^(t * schedule_decay)); the schedule product
    m_schedule (starting at 1) takes mu_t; g' = g / (1 - m_schedule), m' = m / (1 - m_schedule * mu_{t+1}),
    v' = v / (1 - beta_2^t), m-bar = (1 - mu_t) g' + mu_{t+1} m', p -= lr m-bar / (sqrt(v') + eps).
    """
    params = [np.array(p, dtype=np.float64) for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    m_schedule = 1.0
    for t, step_grads in enumerate(grads, start=1):
        mu_t = beta_1 * (1.0 - 0.5 * 0.96 ** (t * schedule_decay))
        mu_next = beta_1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * schedule_decay))
        m_schedule_new = m_schedule * mu_t
        m_schedule_next = m_schedule_new * mu_next
        m_schedule = m_schedule_new
        for i, g in enumerate(step_grads):
            g = np.asarray(g, dtype=np.float64)
            g_prime = g / (1.0 - m_schedule_new)
            m[i] = beta_1 * m[i] + (1.0 - beta_1) * g
            m_prime = m[i] / (1.0 - m_schedule_next)
            v[i] = beta_2 * v[i] + (1.0 - beta_2) * g * g
            v_prime = v[i] / (1.0 - beta_2 ** t)
            m_bar = (1.0 - mu_t) * g_prime + mu_next * m_prime
            params[i] = params[i] - lr * m_bar / (np.sqrt(v_prime) + epsilon)
    return params


def run_tkeras(optimizer, grads, dtype="float32"):
    variables = make_variables(initial_values(dtype))
    for step_grads in grads:
        optimizer.apply_gradients(zip(as_tensors(step_grads), variables))
    return values_of(variables)


CASES = [
    ({"schedule_decay": 0.004}, {"schedule_decay": 0.004}),
    # Keras 1's own defaults, as its scripts spelled them: lr=0.002, epsilon=1e-8.
    ({"lr": 0.002, "epsilon": 1e-8, "schedule_decay": 0.004}, {"lr": 0.002, "epsilon": 1e-8}),
    ({"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4, "schedule_decay": 0.05},
     {"lr": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4, "schedule_decay": 0.05}),
]
IDS = ["default", "keras2-defaults", "custom"]


@pytest.mark.parametrize("config, reference_options", CASES, ids=IDS)
def test_float32_matches_keras2_formula(config, reference_options):
    grads = gradient_steps(5)
    actual = run_tkeras(optimizers.Nadam(**config), grads)
    for got, want in zip(actual, keras2_nadam(initial_values(), grads, **reference_options)):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("config, reference_options", CASES, ids=IDS)
def test_float64_matches_keras2_formula_tightly(config, reference_options):
    grads = gradient_steps(4, dtype="float64")
    actual = run_tkeras(optimizers.Nadam(**config), grads, dtype="float64")
    for got, want, before in zip(actual, keras2_nadam(initial_values("float64"), grads, **reference_options),
                                 initial_values("float64")):
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-11)  # lr is a float32 Variable, as in Keras
        assert np.abs(want - before).max() > 1e-6


def test_long_run_follows_the_slow_schedule():
    # 300 updates: Keras 3's 0.96^t has long flattened out, Keras 2's 0.96^(0.004 t) has barely moved.
    rng = np.random.default_rng(11)
    grads = [[(rng.standard_normal((2, 3)) * 0.1).astype("float64"), (rng.standard_normal(3) * 0.1)]
             for _ in range(300)]
    actual = run_tkeras(optimizers.Nadam(learning_rate=0.01, schedule_decay=0.004), grads, dtype="float64")
    for got, want in zip(actual, keras2_nadam(initial_values("float64"), grads, lr=0.01)):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def test_schedules_differ_and_keras3_is_schedule_decay_one():
    grads = gradient_steps(5, dtype="float64")
    keras3 = run_tkeras(optimizers.Nadam(), grads, dtype="float64")
    keras2 = run_tkeras(optimizers.Nadam(schedule_decay=0.004), grads, dtype="float64")
    one = run_tkeras(optimizers.Nadam(schedule_decay=1.0), grads, dtype="float64")
    expected3 = keras3_reference.run("nadam", initial_values("float64"), grads)
    for k3, k2, o, want3 in zip(keras3, keras2, one, expected3):
        np.testing.assert_allclose(k3, want3, rtol=1e-7, atol=1e-11)  # no schedule_decay: Keras 3
        np.testing.assert_array_equal(o, k3)
        assert np.abs(k2 - k3).max() > 1e-5


def test_keras1_and_keras2_config_dicts():
    keras1 = {"class_name": "Nadam", "config": {"lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-08,
                                                "schedule_decay": 0.004}}
    grads = gradient_steps(4)
    expected = keras2_nadam(initial_values(), grads, lr=0.002, epsilon=1e-8)
    for optimizer in (optimizers.deserialize(keras1), optimizers.get(keras1)):
        assert type(optimizer) is optimizers.Nadam and optimizer.schedule_decay == 0.004
        assert float(optimizer.learning_rate) == pytest.approx(0.002, rel=1e-6)
        for got, want in zip(run_tkeras(optimizer, grads), expected):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # tf.keras 2's Nadam (optimizer_v2) saved its schedule_decay as "decay" and left the rate undecayed.
    tf_keras2 = {"class_name": "Nadam", "config": {"name": "Nadam", "learning_rate": 0.001, "decay": 0.004,
                                                   "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07}}
    optimizer = optimizers.get(tf_keras2)
    assert optimizer.schedule_decay == 0.004 and optimizer.decay == 0.0
    for got, want in zip(run_tkeras(optimizer, grads), keras2_nadam(initial_values(), grads)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_get_config_round_trips_schedule_decay_only_when_given():
    assert "schedule_decay" not in optimizers.Nadam().get_config()
    optimizer = optimizers.Nadam(learning_rate=0.01, schedule_decay=0.02)
    saved = json.loads(json.dumps(optimizer.get_config()))
    assert saved["schedule_decay"] == 0.02 and "decay" not in saved
    restored = optimizers.Nadam.from_config(saved)
    via_registry = optimizers.deserialize(json.loads(json.dumps(optimizers.serialize(optimizer))))
    grads = gradient_steps(3)
    expected = run_tkeras(optimizer, grads)
    for other in (restored, via_registry):
        assert other.schedule_decay == 0.02 and other.get_config() == saved
        for got, want in zip(run_tkeras(other, grads), expected):
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("kwargs, match", [
    ({"schedule_decay": -0.1}, r"Nadam: `schedule_decay` .* must be a number >= 0.*received schedule_decay=-0\.1"),
    ({"schedule_decay": "0.004"}, r"received schedule_decay='0\.004'"),
    ({"decay": "fast"}, r"Nadam: `decay` .* must be a number >= 0.*received decay='fast'"),
    ({"decay": 0.01, "schedule_decay": 0.004},
     r"`decay` is tf\.keras 2's name for `schedule_decay`.*decay=0\.01 and schedule_decay=0\.004"),
])
def test_bad_schedule_decay_is_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        optimizers.Nadam(**kwargs)
