"""tf.train.RMSPropOptimizer against a NumPy float64 re-implementation of TF1's ApplyRMSProp /
ApplyCenteredRMSProp kernels, with TF1's starting state (mean square 1, momentum and mean gradient 0)."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tests.optimizers import as_tensors, gradient_steps, initial_values, make_variables, values_of
from tkeras.compat import tf_namespace as tf


def tf1_rmsprop(params, grads, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, centered=False):
    """Parameters after `len(grads)` TF1 RMSProp updates (float64); a None gradient skips its variable."""
    params = [np.array(p, dtype=np.float64) for p in params]
    ms = [np.ones_like(p) for p in params]
    mg = [np.zeros_like(p) for p in params]
    mom = [np.zeros_like(p) for p in params]
    for step_grads in grads:
        for i, g in enumerate(step_grads):
            if g is None:
                continue
            g = np.asarray(g, dtype=np.float64)
            ms[i] = decay * ms[i] + (1.0 - decay) * g * g
            denominator = ms[i] + epsilon
            if centered:
                mg[i] = decay * mg[i] + (1.0 - decay) * g
                denominator = ms[i] - mg[i] * mg[i] + epsilon
            mom[i] = momentum * mom[i] + learning_rate * g / np.sqrt(denominator)
            params[i] = params[i] - mom[i]
    return params


def run(optimizer, grads, dtype="float32"):
    variables = make_variables(initial_values(dtype))
    for step_grads in grads:
        optimizer.apply_gradients(zip(as_tensors(step_grads), variables))
    return values_of(variables)


CASES = [
    {"learning_rate": 0.01},
    {"learning_rate": 0.05, "momentum": 0.9},
    {"learning_rate": 0.01, "centered": True},
    {"learning_rate": 0.02, "decay": 0.8, "momentum": 0.5, "epsilon": 1e-6, "centered": True},
]
IDS = ["defaults", "momentum", "centered", "all"]


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_float32_matches_tf1_kernel(config):
    grads = gradient_steps(6)
    actual = run(tf.train.RMSPropOptimizer(**config), grads)
    for got, want in zip(actual, tf1_rmsprop(initial_values(), grads, **config)):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_float64_matches_tf1_kernel_tightly_and_not_keras(config):
    grads = gradient_steps(5, dtype="float64")
    actual = run(tf.train.RMSPropOptimizer(**config), grads, dtype="float64")
    keras_rule = run(keras.optimizers.RMSprop(rho=config.get("decay", 0.9), epsilon=config.get("epsilon", 1e-10),
                                              **{k: v for k, v in config.items() if k not in ("decay", "epsilon")}),
                     grads, dtype="float64")
    for got, want, keras_got in zip(actual, tf1_rmsprop(initial_values("float64"), grads, **config), keras_rule):
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-11)  # lr is a float32 Variable, as in Keras
        assert np.abs(keras_got - want).max() > 1e-4  # the accumulator's start is what tells them apart


def test_first_step_by_hand():
    # ms = 0.9 * 1 + 0.1 * g^2; var -= lr * g / sqrt(ms + 1e-10)
    g = np.array([[2.0, -0.5, 1e-4], [1.0, 1.0, 0.0]])
    variable = make_variables([np.zeros((2, 3))], names=("kernel",))
    tf.train.RMSPropOptimizer(0.1).apply_gradients([(torch.as_tensor(g), variable[0])])
    np.testing.assert_allclose(values_of(variable)[0], -0.1 * g / np.sqrt(0.9 + 0.1 * g * g + 1e-10), rtol=1e-7)


def test_variables_seen_later_and_skipped_gradients_start_at_one_too():
    kernel, bias = initial_values("float64")
    grads = gradient_steps(4, dtype="float64")
    # The bias has no gradient in the first two updates: its slots are made when it first gets one.
    staggered = [[g[0], None] for g in grads[:2]] + grads[2:]
    optimizer = tf.train.RMSPropOptimizer(0.05, momentum=0.5)
    variables = make_variables([kernel, bias])
    for step_grads in staggered:
        pairs = [(g, v) for g, v in zip(as_tensors(step_grads), variables) if g is not None]
        optimizer.apply_gradients(pairs)
    for got, want in zip(values_of(variables), tf1_rmsprop([kernel, bias], staggered, 0.05, momentum=0.5)):
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-11)


def test_stays_a_keras_rmsprop_and_leaves_the_class_alone():
    optimizer = tf.compat.v1.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.1)
    assert type(optimizer) is keras.optimizers.RMSprop
    config = optimizer.get_config()
    assert (config["rho"], config["momentum"], config["epsilon"], config["centered"]) == (0.8, 0.1, 1e-10, False)
    variables = make_variables(initial_values())
    optimizer.build(variables)
    velocities = [v.numpy() for v in optimizer.variables if v.name.endswith("_velocity")]
    assert len(velocities) == 2 and all(np.all(v == 1.0) for v in velocities)
    # A plain Keras RMSprop built afterwards keeps Keras' zero start.
    plain = keras.optimizers.RMSprop()
    plain.build(make_variables(initial_values()))
    assert all(np.all(v.numpy() == 0.0) for v in plain.variables if v.name.endswith("_velocity"))


def test_compile_and_fit_follow_tf1():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    kernel, bias = np.array([[0.2], [-0.4], [0.1]], "float32"), np.array([0.05], "float32")
    model.set_weights([kernel, bias])
    model.compile(optimizer=tf.train.RMSPropOptimizer(0.01, momentum=0.9), loss="mse")
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    # The same updates, from the MSE gradients of each batch of 8.
    params = [kernel.astype(np.float64), bias.astype(np.float64)]
    state = []
    for start in [0, 8, 0, 8]:
        xb, yb = x[start:start + 8].astype(np.float64), y[start:start + 8].astype(np.float64)
        residual = 2.0 * (xb @ params[0] + params[1] - yb) / len(xb)
        state.append([xb.T @ residual, residual.sum(axis=0)])
        params = tf1_rmsprop([kernel, bias], state, 0.01, momentum=0.9)
    for got, want in zip(model.get_weights(), params):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
