"""Optimizers inside `model.fit` (the trainer calls `step_from_grads` after `loss.backward()`): exact
weights against the NumPy reference on a full-batch linear regression, and every optimizer string learns."""
import numpy as np
import pytest

import tkeras as keras
from tests.optimizers import CLASSES
from tests.optimizers import reference
from tkeras import layers


def regression_data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype("float32")
    y = (x @ np.array([[1.5], [-2.0], [0.5]]) + 0.25).astype("float32")
    return x, y


def linear_model(seed=1):
    rng = np.random.default_rng(seed)
    model = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    kernel = rng.standard_normal((3, 1)).astype("float32")
    bias = np.array([0.3], "float32")
    model.set_weights([kernel, bias])
    return model, kernel, bias


def mse_gradients(x, y, kernel, bias):
    residual = x.astype("float64") @ kernel + bias - y
    return [2.0 / residual.size * x.T @ residual, 2.0 / residual.size * residual.sum(axis=0)]


CASES = [("adam", {"learning_rate": 0.05}), ("adam", {"learning_rate": 0.05, "amsgrad": True, "clipnorm": 0.5}),
         ("adamw", {"learning_rate": 0.05, "weight_decay": 0.1}), ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
         ("sgd", {"learning_rate": 0.1, "momentum": 0.5, "nesterov": True, "global_clipnorm": 1.0}),
         ("rmsprop", {"learning_rate": 0.01, "centered": True, "momentum": 0.5}), ("adagrad", {"learning_rate": 0.1}),
         ("adadelta", {"learning_rate": 1.0}), ("adamax", {"learning_rate": 0.05}), ("nadam", {"learning_rate": 0.05}),
         ("lion", {"learning_rate": 0.01})]


@pytest.mark.parametrize("kind, config", CASES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CASES)])
def test_fit_full_batch_matches_reference(kind, config):
    x, y = regression_data()
    model, kernel, bias = linear_model()
    optimizer = CLASSES[kind](**config)
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, batch_size=len(x), epochs=3, shuffle=False, verbose=0)
    ref = reference.Reference(kind, **config)
    params = [kernel.astype("float64"), bias.astype("float64")]
    for _ in range(3):
        params = ref.step(params, mse_gradients(x, y, *params))
    for actual, want, before in zip(model.get_weights(), params, (kernel, bias)):
        np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)
        assert np.abs(want - before).max() > 1e-3
    assert int(optimizer.iterations) == 3
    assert model.optimizer is optimizer


def test_fit_with_schedule_uses_the_rate_of_each_iteration():
    x, y = regression_data()
    model, kernel, bias = linear_model()
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([0, 1], [0.2, 0.05, 0.01])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule, momentum=0.5), loss="mse")
    model.fit(x, y, batch_size=len(x), epochs=4, shuffle=False, verbose=0)
    ref = reference.Reference("sgd", lr_at=lambda s: [0.2, 0.05, 0.01, 0.01][s], momentum=0.5)
    params = [kernel.astype("float64"), bias.astype("float64")]
    for _ in range(4):
        params = ref.step(params, mse_gradients(x, y, *params))
    for actual, want in zip(model.get_weights(), params):
        np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)


def test_fit_with_keras1_decay_and_learning_rate_set_between_fits():
    x, y = regression_data()
    model, kernel, bias = linear_model()
    optimizer = keras.optimizers.RMSprop(lr=0.02, decay=0.5)
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, batch_size=len(x), epochs=2, shuffle=False, verbose=0)
    keras.backend.set_value(model.optimizer.lr, 0.04)
    model.fit(x, y, batch_size=len(x), epochs=2, shuffle=False, verbose=0)
    ref = reference.Reference("rmsprop", lr_at=lambda s: 0.02 if s < 2 else 0.04, decay=0.5)
    params = [kernel.astype("float64"), bias.astype("float64")]
    for _ in range(4):
        params = ref.step(params, mse_gradients(x, y, *params))
    for actual, want in zip(model.get_weights(), params):
        np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["sgd", "SGD", "rmsprop", "RMSprop", "adam", "Adam", "adamw", "adagrad",
                                  "adadelta", "adamax", "nadam"])
def test_every_optimizer_string_learns_a_linear_regression(name):
    x, y = regression_data(n=64)
    model, _, _ = linear_model()
    model.compile(optimizer=name, loss="mse")
    assert type(model.optimizer).__name__.lower() == name.lower()
    history = model.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0)
    losses = history.history["loss"]
    assert all(b < a for a, b in zip(losses, losses[1:])), losses
    assert int(model.optimizer.iterations) == 16


def test_fast_optimizer_solves_the_regression():
    x, y = regression_data(n=64)
    model, _, _ = linear_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mse")
    model.fit(x, y, batch_size=16, epochs=25, verbose=0)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel[:, 0], [1.5, -2.0, 0.5], atol=0.05)
    np.testing.assert_allclose(bias, [0.25], atol=0.05)


def test_optimizer_state_survives_set_weights_into_a_fresh_optimizer():
    # Continuing with a copy of the state (get_weights/set_weights) gives the same trajectory.
    x, y = regression_data()
    for kind in ("adam", "nadam", "rmsprop"):
        config = {"learning_rate": 0.05}
        model, kernel, bias = linear_model()
        model.compile(optimizer=CLASSES[kind](**config), loss="mse")
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        twin, _, _ = linear_model()
        twin.set_weights(model.get_weights())
        twin.compile(optimizer=CLASSES[kind](**config), loss="mse")
        twin.optimizer.build(twin.trainable_weights)
        twin.optimizer.set_weights(model.optimizer.get_weights())
        assert int(twin.optimizer.iterations) == 4
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        twin.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        for a, b in zip(model.get_weights(), twin.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
