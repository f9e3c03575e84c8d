"""Keras 3's stateless API (Layer.stateless_call, Metric.stateless_*, Optimizer.stateless_apply)
against values recorded with real Keras 3 (tests/fixtures/make_stateless_reference.py)."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "fixtures", "stateless_reference.json")) as f:
    REF = json.load(f)

X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.75], [0.0, -0.5, 1.25]]
KERNEL = [[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]
BIAS = [0.1, -0.2]
GAMMA = [1.5, 0.5]
BETA = [0.25, -0.75]
MOVING_MEAN = [0.3, -0.1]
MOVING_VARIANCE = [2.0, 0.5]
RTOL, ATOL = 1e-5, 1e-6


def f32(value):
    return np.asarray(value, dtype="float32")


def close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual, dtype="float64"), np.asarray(expected, dtype="float64"),
                               rtol=RTOL, atol=ATOL)


def snapshot(variables):
    return [np.array(v.numpy(), copy=True) for v in variables]


def assert_unchanged(variables, before):
    assert len(variables) == len(before)
    for v, b in zip(variables, before):
        np.testing.assert_array_equal(v.numpy(), b)


# -- Layer.stateless_call ---------------------------------------------------------------------------
def dense_bn_model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.BatchNormalization(momentum=0.9)])


TRAINABLE = [f32(KERNEL), f32(BIAS), f32(GAMMA), f32(BETA)]
NON_TRAINABLE = [f32(MOVING_MEAN), f32(MOVING_VARIANCE)]


@pytest.mark.parametrize("training", [True, False])
def test_stateless_call_matches_keras_and_leaves_variables(training):
    model = dense_bn_model()
    before = snapshot(model.weights)
    outputs, new_non_trainable = model.stateless_call(TRAINABLE, NON_TRAINABLE, f32(X), training=training)
    expected = REF["stateless_call"][f"training_{training}"]
    close(outputs, expected["outputs"])
    assert len(new_non_trainable) == 2
    for value, reference in zip(new_non_trainable, expected["non_trainable"]):
        close(value, reference)
    assert_unchanged(model.weights, before)


@pytest.mark.parametrize("training", [True, False])
def test_stateless_call_equals_stateful_call(training):
    model = dense_bn_model()
    outputs, new_non_trainable = model.stateless_call(TRAINABLE, NON_TRAINABLE, f32(X), training=training)
    model.set_weights(TRAINABLE + NON_TRAINABLE)  # Dense kernel, bias; BN gamma, beta, moving mean/var
    real = model(f32(X), training=training)
    close(outputs, np.asarray(real))
    for variable, value in zip(model.non_trainable_variables, new_non_trainable):
        close(value, variable.numpy())


def test_stateless_call_inside_user_scope_records_moving_statistics():
    layer = keras.layers.BatchNormalization(momentum=0.9)
    layer.build((4, 2))
    before = snapshot(layer.weights)
    with keras.StatelessScope() as scope:
        layer(f32([[1.0, 2.0], [3.0, -1.0]]), training=True)
    assert_unchanged(layer.weights, before)
    close(scope.get_current_value(layer.moving_mean), [0.2, 0.05])


def test_stateless_call_return_losses():
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(2, activity_regularizer=keras.regularizers.L2(0.1))])
    before = snapshot(model.weights)
    outputs, non_trainable, losses = model.stateless_call([f32(KERNEL), f32(BIAS)], [], f32(X), return_losses=True)
    expected = REF["stateless_call_losses"]
    close(outputs, expected["outputs"])
    assert non_trainable == []
    assert len(losses) == len(expected["losses"])
    for loss, reference in zip(losses, expected["losses"]):
        close(loss.detach(), reference)
    assert_unchanged(model.weights, before)


def test_stateless_call_wrong_number_of_variables():
    model = dense_bn_model()
    with pytest.raises(ValueError, match=r"stateless_call: `trainable_variables`.*\(4 of them.*got 3"):
        model.stateless_call(TRAINABLE[:3], NON_TRAINABLE, f32(X))
    with pytest.raises(ValueError, match=r"stateless_call: `non_trainable_variables`.*\(2 of them.*got 1"):
        model.stateless_call(TRAINABLE, NON_TRAINABLE[:1], f32(X))
    with pytest.raises(ValueError, match="built"):
        keras.layers.Dense(2).stateless_call([], [], f32(X))


# -- Metric.stateless_update_state / stateless_result / stateless_reset_state ----------------------
Y_TRUE_CAT = [[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]]
Y_PRED_CAT = [[0.1, 0.7, 0.2], [0.3, 0.6, 0.1], [0.2, 0.2, 0.6], [0.5, 0.3, 0.2]]
Y_TRUE_BIN = [[1], [0], [1], [1], [0]]
Y_PRED_BIN = [[0.8], [0.6], [0.3], [0.9], [0.2]]
METRIC_CASES = {
    "mean": (keras.metrics.Mean, [([[1.0, 2.0, 3.0]], {"sample_weight": [1.0, 0.5, 2.0]}), ([[4.0, -1.0]], {})]),
    "categorical_accuracy": (keras.metrics.CategoricalAccuracy, [
        ([Y_TRUE_CAT[:2], Y_PRED_CAT[:2]], {}), ([Y_TRUE_CAT[2:], Y_PRED_CAT[2:]], {"sample_weight": [1.0, 3.0]})]),
    "precision": (keras.metrics.Precision, [([Y_TRUE_BIN[:3], Y_PRED_BIN[:3]], {}),
                                            ([Y_TRUE_BIN[3:], Y_PRED_BIN[3:]], {})]),
}


def as_arrays(args, kwargs):
    return [f32(a) for a in args], {k: f32(v) for k, v in kwargs.items()}


@pytest.mark.parametrize("key", sorted(METRIC_CASES))
def test_metric_stateless_api_matches_keras(key):
    cls, steps = METRIC_CASES[key]
    metric = cls()
    expected = REF["metrics"][key]
    values = [v.numpy() for v in metric.variables]
    for v, reference in zip(values, expected["initial"]):
        close(v, reference)
    for (args, kwargs), reference in zip(steps, expected["steps"]):
        before = snapshot(metric.variables)
        args, kwargs = as_arrays(args, kwargs)
        values = metric.stateless_update_state(values, *args, **kwargs)
        assert_unchanged(metric.variables, before)
        for v, ref in zip(values, reference["variables"]):
            close(v, ref)
        close(metric.stateless_result(values), reference["result"])
        assert_unchanged(metric.variables, before)
        # The stateful method, applied for real, reaches the same state and result.
        metric.update_state(*args, **kwargs)
        for variable, v in zip(metric.variables, values):
            close(v, variable.numpy())
        close(metric.result(), np.asarray(metric.stateless_result(values)))
    before = snapshot(metric.variables)
    reset = metric.stateless_reset_state()
    assert_unchanged(metric.variables, before)
    for v, ref in zip(reset, expected["reset"]):
        close(v, ref)
    metric.reset_state()
    for variable, v in zip(metric.variables, reset):
        close(v, variable.numpy())


@pytest.mark.parametrize("make, args", [
    (lambda: keras.metrics.Mean(), ([1.0, 2.0, 3.0],)),  # the fast in-place paths
    (lambda: keras.metrics.Mean(), (torch.tensor(2.0),)),
    (lambda: keras.metrics.Accuracy(), (torch.tensor([1.0, 0.0]), torch.tensor([1.0, 1.0]))),
    (lambda: keras.metrics.MeanIoU(num_classes=2), ([0, 1, 1], [0, 1, 0])),
    (lambda: keras.metrics.F1Score(), ([[1.0, 0.0]], [[0.8, 0.3]])),
    (lambda: keras.metrics.R2Score(), ([[1.0], [2.0]], [[1.5], [2.5]])),
])
def test_metric_in_place_paths_respect_stateless_scope(make, args):
    metric = make()
    metric.update_state(*args)  # builds lazily-built state and gives it nonzero values
    before = snapshot(metric.variables)
    values = metric.stateless_update_state([v.numpy() for v in metric.variables], *args)
    assert_unchanged(metric.variables, before)
    with keras.StatelessScope():
        metric.update_state(*args)
    assert_unchanged(metric.variables, before)
    metric.update_state(*args)
    for variable, v in zip(metric.variables, values):
        close(v, variable.numpy())


def test_metric_wrong_number_of_variables():
    metric = keras.metrics.Mean()
    with pytest.raises(ValueError, match=r"stateless_update_state: `metric_variables`.*\(2 of them.*got 1"):
        metric.stateless_update_state([0.0], f32([1.0]))
    with pytest.raises(ValueError, match=r"stateless_result: `metric_variables`.*\(2 of them.*got 3"):
        metric.stateless_result([0.0, 0.0, 0.0])


# -- Optimizer.stateless_apply ---------------------------------------------------------------------
W0 = [[0.5, -0.25], [1.0, 0.75], [-0.5, 0.2]]
B0 = [0.1, -0.3]
GRADS = [([[0.1, -0.2], [0.3, 0.05], [-0.4, 0.6]], [0.5, -0.1]),
         ([[-0.3, 0.1], [0.2, -0.25], [0.15, 0.05]], [-0.2, 0.4])]
OPTIMIZERS = {
    "sgd_momentum": lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
    "adam": lambda: keras.optimizers.Adam(learning_rate=0.01),
    "rmsprop": lambda: keras.optimizers.RMSprop(learning_rate=0.01),
    "rmsprop_centered_momentum": lambda: keras.optimizers.RMSprop(learning_rate=0.01, momentum=0.5, centered=True),
}


def built_optimizer(key):
    variables = [keras.Variable(f32(W0), name="kernel"), keras.Variable(f32(B0), name="bias")]
    optimizer = OPTIMIZERS[key]()
    optimizer.build(variables)
    return optimizer, variables


@pytest.mark.parametrize("key", sorted(OPTIMIZERS))
def test_stateless_apply_matches_keras(key):
    optimizer, variables = built_optimizer(key)
    expected = REF["optimizers"][key]
    opt_values = [v.numpy() for v in optimizer.variables]
    assert len(opt_values) == len(expected["initial_optimizer_variables"])
    for v, ref in zip(opt_values, expected["initial_optimizer_variables"]):
        close(v, ref)
    trainable = [v.numpy() for v in variables]
    for (kernel_grad, bias_grad), reference in zip(GRADS, expected["steps"]):
        before_model, before_optimizer = snapshot(variables), snapshot(optimizer.variables)
        grads = [f32(kernel_grad), f32(bias_grad)]
        trainable, opt_values = optimizer.stateless_apply(opt_values, grads, trainable)
        assert_unchanged(variables, before_model)
        assert_unchanged(optimizer.variables, before_optimizer)
        for v, ref in zip(trainable, reference["trainable"]):
            close(v, ref)
        for v, ref in zip(opt_values, reference["optimizer_variables"]):
            close(v, ref)
        # The stateful update, applied for real, gives the same values.
        optimizer.apply([torch.as_tensor(g) for g in grads], variables)
        for variable, v in zip(variables, trainable):
            close(v, variable.numpy())
        for variable, v in zip(optimizer.variables, opt_values):
            close(v, variable.numpy())


def test_stateless_apply_after_fused_rmsprop_steps_does_not_leak_offset():
    # A real update leaves RMSprop's velocities offset (rmsprop.py); stateless_apply must neither
    # return the offset nor disturb the real state.
    optimizer, variables = built_optimizer("rmsprop")
    optimizer.apply([torch.as_tensor(f32(g)) for g in GRADS[0]], variables)
    opt_values, trainable = [v.numpy() for v in optimizer.variables], [v.numpy() for v in variables]
    new_trainable, new_opt = optimizer.stateless_apply(opt_values, [f32(g) for g in GRADS[1]], trainable)
    assert_unchanged(optimizer.variables, opt_values)
    assert_unchanged(variables, trainable)
    optimizer.apply([torch.as_tensor(f32(g)) for g in GRADS[1]], variables)
    for variable, v in zip(variables, new_trainable):
        close(v, variable.numpy())
    for variable, v in zip(optimizer.variables, new_opt):
        close(v, variable.numpy())
    for v, ref in zip(new_opt, REF["optimizers"]["rmsprop"]["steps"][1]["optimizer_variables"]):
        close(v, ref)


def test_stateless_apply_wrong_number_of_variables():
    optimizer, variables = built_optimizer("adam")
    opt_values = [v.numpy() for v in optimizer.variables]
    trainable = [v.numpy() for v in variables]
    grads = [f32(g) for g in GRADS[0]]
    with pytest.raises(ValueError, match=r"stateless_apply: `optimizer_variables`.*\(6 of them.*got 5"):
        optimizer.stateless_apply(opt_values[:5], grads, trainable)
    with pytest.raises(ValueError, match=r"stateless_apply: `trainable_variables`.*built with \(2 of them.*got 1"):
        optimizer.stateless_apply(opt_values, grads, trainable[:1])
    with pytest.raises(ValueError, match="built"):
        keras.optimizers.Adam().stateless_apply([], [], [])
