"""Optimizer state layout (Keras 3 `variables` order and names), build, get_config/from_config, and
`tkeras.optimizers.get/serialize/deserialize` round trips and errors."""
import json

import numpy as np
import pytest
import torch

from tests.optimizers import CLASSES, as_tensors, gradient_steps, initial_values, make_variables
from tests.optimizers import reference
from tkeras import optimizers
from tkeras.optimizers import schedules


def names_after_build(optimizer, variables=None):
    variables = variables or make_variables(initial_values())
    optimizer.build(variables)
    return [v.name for v in optimizer.variables]


# -- variables: Keras 3 order and names ---------------------------------------------------------------
@pytest.mark.parametrize("optimizer, slots", [
    (optimizers.SGD(), []),
    (optimizers.SGD(momentum=0.9), ["kernel_momentum", "bias_momentum"]),
    (optimizers.Adam(), ["kernel_momentum", "kernel_velocity", "bias_momentum", "bias_velocity"]),
    (optimizers.Adam(amsgrad=True), ["kernel_momentum", "kernel_velocity", "bias_momentum", "bias_velocity",
                                     "kernel_velocity_hat", "bias_velocity_hat"]),
    (optimizers.AdamW(), ["kernel_momentum", "kernel_velocity", "bias_momentum", "bias_velocity"]),
    (optimizers.RMSprop(), ["kernel_velocity", "bias_velocity"]),
    (optimizers.RMSprop(momentum=0.5, centered=True),
     ["kernel_velocity", "bias_velocity", "kernel_momentum", "bias_momentum", "kernel_average_gradient",
      "bias_average_gradient"]),
    (optimizers.Adagrad(), ["kernel_accumulator", "bias_accumulator"]),
    (optimizers.Adadelta(), ["kernel_accumulated_grad", "kernel_accumulated_delta_var", "bias_accumulated_grad",
                             "bias_accumulated_delta_var"]),
    (optimizers.Adamax(), ["kernel_momentum", "kernel_norm", "bias_momentum", "bias_norm"]),
    (optimizers.Lion(), ["kernel_momentum", "bias_momentum"]),
    (optimizers.SGD(momentum=0.5, use_ema=True), ["kernel_average", "bias_average", "kernel_momentum",
                                                  "bias_momentum"]),
])
def test_variables_order_and_names(optimizer, slots):
    names = names_after_build(optimizer)
    assert names == ["iteration", "learning_rate"] + slots
    variables = optimizer.variables
    assert variables[0].dtype == torch.int64 and variables[0].shape == ()
    assert variables[1].dtype == torch.float32 and variables[1].shape == ()
    shapes = {"kernel": (2, 3), "bias": (3,)}
    for v in variables[2:]:
        assert tuple(v.shape) == shapes[v.name.split("_")[0]]
        assert not v.trainable
        assert v.path == f"{optimizer.name}/{v.name}"


def test_nadam_keeps_its_momentum_product_after_the_slots():
    optimizer = optimizers.Nadam(learning_rate=0.05)
    variables = make_variables(initial_values())
    grads = gradient_steps(3)
    for step_grads in grads:
        optimizer.apply(as_tensors(step_grads), variables)
    names = [v.name for v in optimizer.variables]
    assert names[:6] == ["iteration", "learning_rate", "kernel_momentum", "kernel_velocity", "bias_momentum",
                         "bias_velocity"]
    assert len(names) == 7
    product = np.prod([0.9 * (1 - 0.5 * 0.96 ** t) for t in (1, 2, 3)])
    assert float(optimizer.variables[6]) == pytest.approx(product, rel=1e-6)


def test_slot_paths_follow_the_variable_path():
    variable = make_variables(initial_values())[0]
    variable._keras_path = "sequential/dense/kernel"
    optimizer = optimizers.Adam()
    optimizer.build([variable])
    assert [v.name for v in optimizer.variables[2:]] == ["sequential_dense_kernel_momentum",
                                                         "sequential_dense_kernel_velocity"]


def test_slot_values_match_the_reference_state():
    values = initial_values()
    grads = gradient_steps(3)
    variables = make_variables(values)
    optimizer = optimizers.Adam(learning_rate=0.05, amsgrad=True)
    ref = reference.Reference("adam", learning_rate=0.05, amsgrad=True)
    params = values
    for step_grads in grads:
        optimizer.apply(as_tensors(step_grads), variables)
        params = ref.step(params, step_grads)
    slots = {v.name: v.numpy() for v in optimizer.variables[2:]}
    for i, name in enumerate(("kernel", "bias")):
        np.testing.assert_allclose(slots[f"{name}_momentum"], ref.state[("m", i)], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(slots[f"{name}_velocity"], ref.state[("v", i)], rtol=1e-5, atol=1e-9)
        np.testing.assert_allclose(slots[f"{name}_velocity_hat"], ref.state[("vhat", i)], rtol=1e-5, atol=1e-9)


def test_adagrad_accumulator_starts_at_initial_value():
    optimizer = optimizers.Adagrad(initial_accumulator_value=0.25)
    optimizer.build(make_variables(initial_values()))
    for v in optimizer.variables[2:]:
        np.testing.assert_array_equal(v.numpy(), np.full(v.shape, 0.25, "float32"))


def test_build_is_idempotent_and_sets_built():
    optimizer = optimizers.Adam()
    assert not optimizer.built
    variables = make_variables(initial_values())
    optimizer.build(variables)
    optimizer.build(variables)
    assert optimizer.built and len(optimizer.variables) == 6


def test_save_and_load_own_variables_round_trip():
    variables = make_variables(initial_values())
    optimizer = optimizers.Adam(learning_rate=0.05)
    for step_grads in gradient_steps(2):
        optimizer.apply(as_tensors(step_grads), variables)
    store = {}
    optimizer.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(6)] and int(store["0"]) == 2
    fresh = optimizers.Adam(learning_rate=0.05)
    fresh.build(make_variables(initial_values()))
    fresh.load_own_variables(store)
    for a, b in zip(fresh.variables, optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    with pytest.raises(ValueError, match="set_weights"):
        fresh.set_weights(fresh.get_weights()[:3])


# -- config round trips -------------------------------------------------------------------------------
CONFIGS = [
    ("sgd", {"learning_rate": 0.2, "momentum": 0.8, "nesterov": True, "clipnorm": 1.0}),
    ("rmsprop", {"rho": 0.8, "momentum": 0.1, "epsilon": 1e-5, "centered": True, "global_clipnorm": 2.0}),
    ("adam", {"beta_1": 0.8, "beta_2": 0.9, "amsgrad": True, "weight_decay": 0.01, "use_ema": True,
              "ema_momentum": 0.9, "ema_overwrite_frequency": 3}),
    ("adamw", {"weight_decay": 0.05, "clipvalue": 0.5, "loss_scale_factor": 8.0}),
    ("adagrad", {"initial_accumulator_value": 0.3, "epsilon": 1e-4}),
    ("adadelta", {"learning_rate": 1.0, "rho": 0.9}),
    ("adamax", {"beta_1": 0.7, "beta_2": 0.95, "epsilon": 1e-3}),
    ("nadam", {"beta_1": 0.8, "name": "my_nadam"}),
    ("lion", {"learning_rate": 3e-4, "beta_1": 0.95, "beta_2": 0.98, "weight_decay": 0.01}),
]


@pytest.mark.parametrize("beta_1", [0.0, -0.1, 1.5])
def test_lion_refuses_a_beta_1_outside_its_range(beta_1):
    with pytest.raises(ValueError, match=r"Lion: `beta_1` must be in \(0, 1\]; received beta_1="):
        optimizers.Lion(beta_1=beta_1)


@pytest.mark.parametrize("kind, config", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_get_config_from_config_round_trip(kind, config):
    optimizer = CLASSES[kind](**config)
    saved = optimizer.get_config()
    for key, value in config.items():
        assert saved[key] == pytest.approx(value, rel=1e-6) if isinstance(value, float) else saved[key] == value
    restored = CLASSES[kind].from_config(json.loads(json.dumps(saved)))
    assert type(restored) is CLASSES[kind] and restored.get_config() == saved
    via_registry = optimizers.deserialize(json.loads(json.dumps(optimizers.serialize(optimizer))))
    assert type(via_registry) is CLASSES[kind] and via_registry.get_config() == saved
    # The restored optimizer computes the same updates.
    grads = gradient_steps(3)
    results = []
    for opt in (optimizer, restored):
        variables = make_variables(initial_values())
        for step_grads in grads:
            opt.apply(as_tensors(step_grads), variables)
        results.append([v.numpy() for v in variables])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_serialize_is_keras3_shaped():
    data = optimizers.serialize(optimizers.Adam(learning_rate=0.01))
    assert data["module"] == "keras.optimizers" and data["class_name"] == "Adam"
    assert data["registered_name"] is None
    assert data["config"]["learning_rate"] == pytest.approx(0.01, rel=1e-6)
    assert data["config"]["name"] == "adam"


def test_config_with_schedule_round_trip():
    schedule = schedules.CosineDecay(0.1, decay_steps=10, alpha=0.1, warmup_target=0.5, warmup_steps=2)
    optimizer = optimizers.SGD(learning_rate=schedule, momentum=0.5)
    data = json.loads(json.dumps(optimizers.serialize(optimizer)))
    assert data["config"]["learning_rate"]["class_name"] == "CosineDecay"
    restored = optimizers.deserialize(data)
    grads = gradient_steps(4)
    results = []
    for opt in (optimizer, restored):
        variables = make_variables(initial_values())
        for step_grads in grads:
            opt.apply(as_tensors(step_grads), variables)
        results.append([v.numpy() for v in variables])
    expected = reference.run("sgd", initial_values(), grads, momentum=0.5,
                             lr_at=lambda s: reference.cosine_decay(s, 0.1, 10, 0.1, 0.5, 2))
    for a, b, want in zip(*results, expected):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, want, rtol=1e-5, atol=1e-6)


# -- get ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("identifier, cls", [("adam", optimizers.Adam), ("Adam", optimizers.Adam),
                                             ("sgd", optimizers.SGD), ("SGD", optimizers.SGD),
                                             ("rmsprop", optimizers.RMSprop), ("RMSprop", optimizers.RMSprop),
                                             ("adamw", optimizers.AdamW), ("AdamW", optimizers.AdamW),
                                             ("adagrad", optimizers.Adagrad), ("adadelta", optimizers.Adadelta),
                                             ("adamax", optimizers.Adamax), ("nadam", optimizers.Nadam),
                                             ("Nadam", optimizers.Nadam)])
def test_get_by_name(identifier, cls):
    optimizer = optimizers.get(identifier)
    assert type(optimizer) is cls
    # Each new optimizer takes the next free name (`adam`, `adam_1`, ...), as in Keras 3.15.
    assert _without_name(optimizer.get_config()) == _without_name(cls().get_config())


def _without_name(config):
    return {k: v for k, v in config.items() if k != "name"}


def test_get_instance_class_dict_none():
    optimizer = optimizers.RMSprop(learning_rate=0.5)
    assert optimizers.get(optimizer) is optimizer
    assert type(optimizers.get(optimizers.Adamax)) is optimizers.Adamax
    assert optimizers.get(None) is None
    from_dict = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.3, "momentum": 0.5}})
    assert type(from_dict) is optimizers.SGD and from_dict.momentum == 0.5
    assert float(from_dict.learning_rate) == pytest.approx(0.3, rel=1e-6)


def test_get_keras1_and_keras2_configs():
    keras1 = optimizers.get({"class_name": "RMSprop", "config": {"lr": 0.002, "rho": 0.9, "epsilon": 1e-08,
                                                                 "decay": 0.01}})
    assert float(keras1.learning_rate) == pytest.approx(0.002, rel=1e-6) and keras1.epsilon == 1e-8
    assert keras1.decay == 0.01
    keras2 = optimizers.get({"class_name": "Adam", "config": {
        "name": "Adam", "learning_rate": 0.01, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
        "amsgrad": False, "jit_compile": True, "is_legacy_optimizer": False}})
    assert type(keras2) is optimizers.Adam and keras2.decay == 0.0


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as info:
        optimizers.get("adamm")
    message = str(info.value)
    for name in ("adam", "sgd", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "adamw"):
        assert name in message
    assert "adamm" in message
    with pytest.raises(ValueError, match="rmsprop"):
        optimizers.deserialize({"class_name": "Rmsprops", "config": {}})
    with pytest.raises(ValueError):
        optimizers.get(42)


def test_bad_argument_combinations_name_the_argument():
    with pytest.raises(ValueError, match="clipvalue"):
        optimizers.RMSprop(clipvalue=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(learning_rate=[0.1])
    with pytest.raises(ValueError, match="momentun"):
        optimizers.SGD(momentun=0.9)
    with pytest.raises(ValueError, match="ema_momentum"):
        optimizers.Adamax(use_ema=True, ema_momentum=-0.5)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)
