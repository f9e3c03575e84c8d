"""Each optimizer's update against the NumPy re-implementation of Keras 3's formulas (reference.py):
Keras defaults, each variant (momentum, nesterov, centered, amsgrad...), float32 and float64."""
import re

import numpy as np
import pytest
import torch

from tests.optimizers import CLASSES, as_tensors, gradient_steps, initial_values, make_variables, values_of
from tests.optimizers import reference
from tkeras.backend.variable import Variable

CASES = [
    ("sgd", {}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("rmsprop", {}),
    ("rmsprop", {"learning_rate": 0.01, "momentum": 0.5}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True, "momentum": 0.9, "rho": 0.8}),
    ("adam", {}),
    ("adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("adam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3}),
    ("adamw", {}),
    ("adamw", {"learning_rate": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    ("adagrad", {}),
    ("adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "epsilon": 1e-3}),
    ("adadelta", {}),
    ("adadelta", {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-6}),
    ("adamax", {}),
    ("adamax", {"learning_rate": 0.05, "beta_1": 0.7, "beta_2": 0.9}),
    ("nadam", {}),
    ("nadam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4}),
    ("lion", {}),
    ("lion", {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9, "weight_decay": 0.1}),
    ("adafactor", {}),
    ("adafactor", {"learning_rate": 0.2, "beta_2_decay": -0.5, "epsilon_2": 0.01, "clip_threshold": 0.5}),
    ("ftrl", {}),
    ("ftrl", {"learning_rate": 0.1, "learning_rate_power": -0.3, "l1_regularization_strength": 0.01,
              "l2_regularization_strength": 0.02, "l2_shrinkage_regularization_strength": 0.01, "beta": 0.1}),
    ("lamb", {}),
    ("lamb", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3, "weight_decay": 0.1}),
    ("muon", {}),
    ("muon", {"learning_rate": 0.02, "momentum": 0.9, "nesterov": False, "ns_steps": 3, "rms_rate": None,
              "adam_lr_ratio": 0.5, "weight_decay": 0.01, "adam_weight_decay": 0.01}),
    ("schedulefreeadamw", {}),
    ("schedulefreeadamw", {"learning_rate": 0.01, "beta_1": 0.8, "warmup_steps": 3, "weight_decay": 0.01}),
]
IDS = [kind + "".join(f"-{k}={v}" for k, v in config.items()) for kind, config in CASES]


ACCELERATOR = "cuda" if torch.cuda.is_available() else None


def run_tkeras(kind, config, grads, dtype="float32", device="cpu", entry="apply_gradients"):
    variables = make_variables(initial_values(dtype), device=device)
    optimizer = CLASSES[kind](**config)
    for step_grads in grads:
        if entry == "apply_gradients":
            optimizer.apply_gradients(zip(as_tensors(step_grads, device), variables))
        else:
            for v, g in zip(variables, as_tensors(step_grads, device)):
                v.grad = g
            optimizer.step_from_grads(variables)
    return optimizer, variables


@pytest.mark.parametrize("kind, config", CASES, ids=IDS)
def test_float32_matches_keras_formula(kind, config):
    grads = gradient_steps(5)
    optimizer, variables = run_tkeras(kind, config, grads)
    expected = reference.run(kind, initial_values(), grads, **config)
    for actual, want in zip(values_of(variables), expected):
        assert actual.dtype == np.float32
        np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)
    assert int(optimizer.iterations) == 5


@pytest.mark.parametrize("kind, config", CASES, ids=IDS)
def test_float64_matches_keras_formula_tightly(kind, config):
    grads = gradient_steps(4, dtype="float64")
    optimizer, variables = run_tkeras(kind, config, grads, dtype="float64")
    expected = reference.run(kind, initial_values("float64"), grads, **config)
    for actual, want, before in zip(values_of(variables), expected, initial_values("float64")):
        assert actual.dtype == np.float64
        # The learning rate is a float32 Variable (as in Keras), so it carries float32 rounding.
        np.testing.assert_allclose(actual, want, rtol=1e-7, atol=1e-11)
        # Every case moves the weights by far more than the tolerance: a wrong formula cannot pass.
        assert np.abs(want - before).max() > 1e-6
    slots = [v for v in optimizer.variables[2:] if v.dim() > 0]
    assert bool(slots) == (kind != "sgd" or "momentum" in config)
    assert all(s.dtype == torch.float64 for s in slots)


def test_reference_self_check_one_adam_step_by_hand():
    # First Adam step: m = 0.1 g, v = 0.001 g^2, alpha = lr sqrt(0.001) / 0.1, step = alpha m / (|g| sqrt(.001) + eps).
    g = np.array([[2.0, -0.5, 1e-4], [1.0, 1.0, 0.0]])
    alpha = 0.001 * np.sqrt(0.001) / 0.1
    by_hand = 1.0 - alpha * 0.1 * g / (np.abs(g) * np.sqrt(0.001) + 1e-7)
    got = reference.run("adam", [np.ones((2, 3))], [[g]])[0]
    np.testing.assert_allclose(got, by_hand, rtol=1e-12)


def test_keras_default_hyperparameters():
    expected = {
        "sgd": dict(learning_rate=0.01, momentum=0.0, nesterov=False),
        "rmsprop": dict(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False),
        "adam": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False),
        "adamw": dict(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                      amsgrad=False),
        "adagrad": dict(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7),
        "adadelta": dict(learning_rate=0.001, rho=0.95, epsilon=1e-7),
        "adamax": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
        "nadam": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
        "lion": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.99),
    }
    # Keras 3.15's names: the class name in snake case, numbered after the first of its kind.
    names = {"sgd": "sgd", "rmsprop": "rm_sprop", "adam": "adam", "adamw": "adam_w", "adagrad": "adagrad",
             "adadelta": "adadelta", "adamax": "adamax", "nadam": "nadam", "lion": "lion"}
    for kind, defaults in expected.items():
        config = CLASSES[kind]().get_config()
        for key, value in defaults.items():
            assert config[key] == pytest.approx(value, rel=1e-6), (kind, key)
        assert re.fullmatch(names[kind] + r"(_[0-9]+)?", config["name"]), config["name"]
        assert config["weight_decay"] == (0.004 if kind == "adamw" else None)
        assert config["clipnorm"] is None and config["clipvalue"] is None and config["global_clipnorm"] is None
        assert config["use_ema"] is False and config["ema_momentum"] == 0.99


def test_sgd_momentum_changing_rate_follows_keras_not_torch():
    # Keras folds the rate into the momentum (m = mu m - lr g); torch.optim.SGD scales afterwards.
    # The two differ once the rate changes between steps.
    values = initial_values()
    variables = make_variables(values)
    grads = gradient_steps(4)
    rates = [0.1, 0.1, 0.5, 0.02]
    optimizer = CLASSES["sgd"](learning_rate=rates[0], momentum=0.9)
    for rate, step_grads in zip(rates, grads):
        optimizer.learning_rate = rate
        optimizer.apply(as_tensors(step_grads), variables)
    expected = reference.run("sgd", values, grads, lr_at=lambda step: rates[step], momentum=0.9)
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)


def test_mixed_dtypes_in_one_update():
    # float32 and float64 variables fall into different foreach groups; each must get its own gradient.
    v32 = make_variables([np.array([1.0, -2.0], dtype="float32")], names=["a"])[0]
    v64 = make_variables([np.array([[0.5], [3.0]], dtype="float64")], names=["b"])[0]
    w32 = make_variables([np.array([4.0], dtype="float32")], names=["c"])[0]
    grads = [[np.array([0.3, -0.1], "float32"), np.array([[1.0], [-2.0]]), np.array([0.7], "float32")],
             [np.array([-0.2, 0.4], "float32"), np.array([[0.5], [0.25]]), np.array([-1.5], "float32")]]
    for kind in ("adam", "sgd", "nadam"):
        variables = [v32.detach().clone(), v64.detach().clone(), w32.detach().clone()]
        variables = [make_variables([v.numpy()], names=[n])[0] for v, n in zip(variables, "abc")]
        start = values_of(variables)
        optimizer = CLASSES[kind](learning_rate=0.1, global_clipnorm=2.0)
        for step_grads in grads:
            optimizer.apply(as_tensors(step_grads), variables)
        expected = reference.run(kind, start, grads, learning_rate=0.1, global_clipnorm=2.0)
        assert variables[1].dtype == torch.float64
        for actual, want in zip(values_of(variables), expected):
            np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(ACCELERATOR is None, reason="no accelerator: the foreach path is covered on the CPU by "
                                              "the layout and bfloat16 tests")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind, config", CASES, ids=IDS)
def test_on_the_accelerator(kind, config, dtype):
    grads = gradient_steps(4, dtype=dtype)
    expected = reference.run(kind, initial_values(dtype), grads, **config)
    for entry in ("apply_gradients", "step_from_grads"):
        optimizer, variables = run_tkeras(kind, config, grads, dtype=dtype, device=ACCELERATOR, entry=entry)
        # Slots live with their variable; scalar state (the step, the rate, Nadam's product) on the host.
        assert all(v.device.type == (ACCELERATOR if v.dim() else "cpu") for v in optimizer.variables)
        tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-7, atol=1e-11)
        for actual, want in zip(values_of(variables), expected):
            np.testing.assert_allclose(actual, want, **tolerance)


@pytest.mark.parametrize("kind, config", CASES, ids=IDS)
def test_bfloat16_variables(kind, config):
    # Half-precision weights take the generic foreach path on every device; bfloat16 keeps 8 bits of
    # mantissa, so the check is loose but still catches a wrong formula (steps are ~1e-2 here).
    grads = gradient_steps(3)
    config = {**config, "learning_rate": 0.05 if kind != "adadelta" else 50.0}
    values = [np.asarray(torch.tensor(v).bfloat16().float()) for v in initial_values()]
    variables = [Variable(torch.tensor(v).bfloat16(), name=n) for v, n in zip(values, ("kernel", "bias"))]
    optimizer = CLASSES[kind](**config)
    for step_grads in grads:
        optimizer.apply([torch.tensor(g).bfloat16() for g in step_grads], variables)
    bf16_grads = [[np.asarray(torch.tensor(g).bfloat16().float()) for g in s] for s in grads]
    expected = reference.run(kind, values, bf16_grads, **config)
    for actual, want, before in zip(variables, expected, values):
        assert actual.dtype == torch.bfloat16
        actual = actual.detach().float().numpy()
        np.testing.assert_allclose(actual, want, rtol=2e-2, atol=2e-2 * np.abs(want - before).max())


@pytest.mark.skipif(ACCELERATOR != "cuda", reason="needs CUDA")
@pytest.mark.parametrize("extra", [{}, {"clipnorm": 0.5}, {"global_clipnorm": 0.5}, {"clipvalue": 0.1},
                                   {"weight_decay": 0.1, "use_ema": True, "loss_scale_factor": 4.0}])
@pytest.mark.parametrize("kind, config", CASES, ids=IDS)
def test_fit_update_never_waits_on_the_gpu(kind, config, extra):
    """step_from_grads keeps every read on the host side (the step count, the rate): no device sync."""
    variables = make_variables(initial_values(), device="cuda")
    config = {**config, **extra}
    optimizer = CLASSES[kind](**config)
    grads = gradient_steps(3)
    for v, g in zip(variables, as_tensors(grads[0], "cuda")):
        v.grad = g
    optimizer.step_from_grads(variables)  # the first update builds slots and plans
    later = [as_tensors(step_grads, "cuda") for step_grads in grads[1:]]  # host-to-device copies sync
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        for step_grads in later:
            for v, g in zip(variables, step_grads):
                v.grad.copy_(g)
            optimizer.step_from_grads(variables)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    expected = reference.run(kind, initial_values(), grads, **config)
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)
