"""Keras 3's optimizer-subclassing API (build + update_step, add_variable*, assign*), checked against
numbers recorded with Keras 3.15.1 (tests/fixtures/make_custom_optimizer_reference.py defines the
optimizers once, for either library, and wrote tests/fixtures/custom_optimizer_reference.json)."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tests.fixtures.make_custom_optimizer_reference import (
    BIAS, KERNEL, define_optimizers, fit_data, gradients, make_adam, make_sgd)
from tkeras.optimizers.custom_steps import _update_through_update_step

with open(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "custom_optimizer_reference.json")) as f:
    REF = json.load(f)

MySGD, MyAdam = define_optimizers(keras)
MAKERS = {"sgd": lambda: make_sgd(keras, MySGD), "adam": lambda: make_adam(keras, MyAdam)}


def _close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual, np.float64), np.asarray(expected, np.float64),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("label", ["sgd", "adam"])
@pytest.mark.parametrize("entry", ["apply", "apply_gradients", "step_from_grads"])
def test_three_steps_match_keras(label, entry):
    optimizer = MAKERS[label]()
    variables = [keras.Variable(KERNEL, name="kernel"), keras.Variable(BIAS, name="bias")]
    for step, expected in enumerate(REF[label]["steps"]):
        grads = [torch.tensor(g) for g in gradients(step)]
        if entry == "apply":
            optimizer.apply(grads, variables)
        elif entry == "apply_gradients":
            optimizer.apply_gradients(zip(grads, variables))
        else:
            for v, g in zip(variables, grads):
                v.grad = g
            optimizer.build(variables)
            optimizer.step_from_grads(variables)
        for v, e in zip(variables, expected["variables"]):
            _close(v.numpy(), e)
        assert len(optimizer.variables) == len(expected["optimizer_variables"])
        for v, e in zip(optimizer.variables, expected["optimizer_variables"]):
            _close(v.numpy(), e)
    assert int(optimizer.iterations.numpy()) == 3
    assert [{"path": v.path, "name": v.name, "shape": list(v.shape)} for v in optimizer.variables] \
        == REF[label]["variables"]


def test_fit_with_custom_optimizer_matches_keras(tmp_path):
    x, y, weights = fit_data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="hidden"),
                              keras.layers.Dense(1, name="out")], name="custom_fit")
    model.set_weights(weights)
    model.compile(MySGD(learning_rate=0.05, momentum=0.9), "mse")
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for w, e in zip(model.get_weights(), REF["fit"]["weights"]):
        _close(w, e)
    _close(history.history["loss"], REF["fit"]["loss"])
    assert [{"path": v.path, "shape": list(v.shape)} for v in model.optimizer.variables] \
        == REF["fit"]["optimizer_variables"]

    # .keras round trip: the extra slots are saved and restored in order.
    path = str(tmp_path / "custom.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"MySGD": MySGD})
    assert type(loaded.optimizer) is MySGD and loaded.optimizer.momentum == 0.9
    saved = [v.numpy() for v in model.optimizer.variables]
    # (Compared by shape: a loaded model's weight paths, hence its slot names, lack the model name
    # today, `hidden/kernel` for `custom_fit/hidden/kernel`; built-in optimizers show the same.)
    assert [v.shape for v in loaded.optimizer.variables] == [v.shape for v in model.optimizer.variables]
    for a, b in zip(loaded.optimizer.variables, saved):
        np.testing.assert_array_equal(a.numpy(), b)
    # Training on continues identically from the restored state.
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    loaded.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_assign_helpers_on_model_and_optimizer_variables():
    optimizer = MySGD()
    v = keras.Variable(np.array([1.0, 2.0], np.float32), name="w")
    optimizer.build([v])
    optimizer.assign(v, np.array([3.0, 4.0], np.float32))
    optimizer.assign_add(v, keras.ops.ones((2,)))
    optimizer.assign_sub(v, torch.tensor([0.5, 0.5]))
    _close(v.numpy(), [3.5, 4.5])
    m = optimizer.momentums[optimizer._get_variable_index(v)]
    optimizer.assign_add(m, 2.0)
    _close(m.numpy(), [2.0, 2.0])
    plain = torch.nn.Parameter(torch.zeros(2))  # a torch module's own weight
    optimizer.assign_add(plain, torch.ones(2))
    optimizer.assign_sub(plain, 0.25 * torch.ones(2))
    _close(plain.detach().numpy(), [0.75, 0.75])
    assert optimizer._var_key(v) == id(v)
    with pytest.raises(ValueError, match="unknown variable"):
        optimizer._get_variable_index(keras.Variable(np.zeros(2, np.float32), name="other"))


def test_add_variable_initializers_names_and_order():
    optimizer = MySGD(name="opt")
    kernel = keras.Variable(np.zeros((2, 3), np.float32), name="kernel")
    optimizer.build([kernel])
    ones = optimizer.add_variable((2,), initializer="ones", name="ones_var")
    const = optimizer.add_variable((), initializer=keras.initializers.Constant(3.0), name="const")
    half = optimizer.add_variable((2,), initializer="zeros", dtype="float16", name="half")
    ref = optimizer.add_variable_from_reference(kernel, "acc", initializer="ones")
    default = optimizer.add_variable_from_reference(kernel)
    _close(ones.numpy(), [1, 1])
    _close(const.numpy(), 3.0)
    assert half.dtype == torch.float16 and not half.trainable
    _close(ref.numpy(), np.ones((2, 3)))
    assert default.name == "kernel_var" and default.path == "opt/kernel_var" and ref.path == "opt/kernel_acc"
    assert [v.path for v in optimizer.variables] == [
        "opt/iteration", "opt/learning_rate", "opt/kernel_momentum", "opt/ones_var", "opt/const", "opt/half",
        "opt/kernel_acc", "opt/kernel_var"]
    a, b = optimizer.add_optimizer_variables([kernel], ["a", "b"], initializer=["ones", "zeros"])
    _close(a[0].numpy(), np.ones((2, 3)))
    _close(b[0].numpy(), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="initializers"):
        optimizer.add_optimizer_variables([kernel], ["a", "b"], initializer=["ones"])


def test_learning_rate_seen_by_update_step_and_ema():
    seen = []

    class Recorder(keras.optimizers.Optimizer):
        def update_step(self, gradient, variable, learning_rate):
            seen.append((float(learning_rate), int(self.iterations.numpy())))
            self.assign_sub(variable, learning_rate * gradient)

    v = keras.Variable(np.ones(2, np.float32), name="v")
    opt = Recorder(learning_rate=keras.optimizers.schedules.ExponentialDecay(1.0, 1, 0.5), use_ema=True,
                   ema_momentum=0.5)
    for _ in range(3):
        opt.apply([torch.ones(2)], [v])
    assert seen == [(1.0, 0), (0.5, 1), (0.25, 2)]
    _close(v.numpy(), [1 - 1.75] * 2)
    assert [x.path for x in opt.variables] == ["recorder/iteration", "recorder/v_average"]
    opt.finalize_variable_values([v])
    _close(v.numpy(), [-0.5, -0.5])  # average: 0 (first step copies), -0.25, -0.5 (Keras 3.15.1 gives -0.5)

    seen.clear()
    opt = Recorder(learning_rate=0.5)
    opt.apply([torch.ones(2)], [v])
    assert seen == [(0.5, 0)]
    opt.learning_rate = 0.25
    opt.apply([torch.ones(2)], [v])
    assert seen[-1] == (0.25, 1)


def test_subclass_of_a_builtin_uses_its_update_step():
    class SlowSGD(keras.optimizers.SGD):
        def build(self, var_list):
            if self.built:
                return
            super().build(var_list)
            self.counts = self.add_optimizer_variables(var_list, "count")

        def update_step(self, gradient, variable, learning_rate):
            self.assign_add(self.counts[self._get_variable_index(variable)], 1.0)
            self.assign_sub(variable, 2 * learning_rate * gradient)

    assert SlowSGD._update is _update_through_update_step
    assert keras.optimizers.SGD._update is not _update_through_update_step
    assert keras.optimizers.Adam._update is not _update_through_update_step
    v = keras.Variable(np.ones(2, np.float32), name="v")
    opt = SlowSGD(learning_rate=0.1, momentum=0.5)
    opt.apply([torch.ones(2)], [v])
    _close(v.numpy(), [0.8, 0.8])
    expected = ["slow_sgd/iteration", "slow_sgd/learning_rate", "slow_sgd/v_momentum", "slow_sgd/v_count"]
    assert [x.path for x in opt.variables] == expected  # Keras 3.15 names it after the subclass
    _close(opt.variables[-1].numpy(), [1, 1])

    class InternalAgain(SlowSGD):  # tkeras' own path wins again when a subclass defines it
        _update = keras.optimizers.SGD._update

    assert InternalAgain._update is keras.optimizers.SGD._update


def test_no_update_implemented_is_a_clear_error():
    class Nothing(keras.optimizers.Optimizer):
        pass

    v = keras.Variable(np.ones(2, np.float32), name="v")
    with pytest.raises(NotImplementedError, match="update_step"):
        Nothing(learning_rate=0.1).apply([torch.ones(2)], [v])


def test_custom_build_does_not_grow_later():
    opt = MySGD()
    a = keras.Variable(np.ones(2, np.float32), name="a")
    b = keras.Variable(np.ones(2, np.float32), name="b")
    opt.apply([torch.ones(2)], [a])
    with pytest.raises(ValueError, match="unknown variable"):
        opt.apply([torch.ones(2)], [b])


def test_gradient_accumulation_is_accepted():
    # the updates themselves: tests/optimizers/test_kio_gradient_accumulation.py
    assert MySGD(gradient_accumulation_steps=2).get_config()["gradient_accumulation_steps"] == 2


def test_stateless_apply_runs_update_step_without_touching_state():
    opt = MySGD(learning_rate=0.1, momentum=0.5)
    v = keras.Variable(np.ones(2, np.float32), name="v")
    opt.build([v])
    new_vars, new_state = opt.stateless_apply([x.numpy() for x in opt.variables], [torch.ones(2)], [v.numpy()])
    _close(np.asarray(new_vars[0]), [0.9, 0.9])
    _close(np.asarray(new_state[2]), [-0.1, -0.1])
    assert int(np.asarray(new_state[0])) == 1
    _close(v.numpy(), [1, 1])
    _close(opt.variables[2].numpy(), [0, 0])
