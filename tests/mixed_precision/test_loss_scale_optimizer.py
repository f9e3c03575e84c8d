"""Dynamic loss scaling: unscaling, skipping overflowing steps, halving and growing the scale."""
import warnings

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.mixed_precision import LossScaleOptimizer


class RecordingSGD:
    """A stand-in inner optimizer: plain SGD that remembers the gradients it was given."""

    def __init__(self, learning_rate=1.0):
        self.learning_rate = learning_rate
        self.seen = []

    def step_from_grads(self, variables):
        self.seen.append([v.grad.clone() for v in variables])
        with torch.no_grad():
            for v in variables:
                v.sub_(self.learning_rate * v.grad)

    def apply_gradients(self, grads_and_vars):
        pairs = list(grads_and_vars)
        self.seen.append([g.clone() for g, _ in pairs])
        with torch.no_grad():
            for g, v in pairs:
                v.sub_(self.learning_rate * g)


def _variable(values):
    return torch.nn.Parameter(torch.tensor(values, dtype=torch.float32))


def _backward(variable, optimizer, factor):
    """Gradient of factor * sum(v) of the scaled loss, as the fit loop produces it."""
    variable.grad = None
    optimizer.scale_loss((variable * factor).sum()).backward()


def test_scaled_gradients_are_unscaled_before_the_update():
    inner = RecordingSGD(learning_rate=0.5)
    optimizer = LossScaleOptimizer(inner, initial_scale=1024.0)
    v = _variable([1.0, 2.0])
    _backward(v, optimizer, 3.0)
    assert torch.equal(v.grad, torch.tensor([3072.0, 3072.0]))  # scaled by 1024
    assert optimizer.step_from_grads([v]) is True
    torch.testing.assert_close(inner.seen[0][0], torch.tensor([3.0, 3.0]))
    torch.testing.assert_close(v.detach(), torch.tensor([1.0 - 1.5, 2.0 - 1.5]))


@pytest.mark.parametrize("bad", [float("inf"), float("nan")])
def test_an_overflowing_step_is_skipped_and_the_scale_halved(bad):
    inner = RecordingSGD()
    optimizer = LossScaleOptimizer(inner, initial_scale=256.0, dynamic_growth_steps=3)
    v = _variable([1.0, 2.0])
    _backward(v, optimizer, 1.0)
    optimizer.step_from_grads([v])  # one good step: counter 1
    before = v.detach().clone()
    v.grad = torch.tensor([1.0, bad])  # the fake overflow
    assert optimizer.step_from_grads([v]) is False
    assert len(inner.seen) == 1  # the inner optimizer never saw the bad gradients
    torch.testing.assert_close(v.detach(), before)
    assert optimizer.dynamic_scale == 128.0 and optimizer.step_counter == 0 and optimizer.skipped_steps == 1


def test_the_scale_doubles_after_dynamic_growth_steps_finite_steps():
    optimizer = LossScaleOptimizer(RecordingSGD(learning_rate=0.0), initial_scale=8.0, dynamic_growth_steps=3)
    v = _variable([1.0])
    scales = []
    for _ in range(7):
        _backward(v, optimizer, 1.0)
        optimizer.step_from_grads([v])
        scales.append(optimizer.dynamic_scale)
    assert scales == [8.0, 8.0, 16.0, 16.0, 16.0, 32.0, 32.0]


def test_apply_gradients_takes_scaled_gradients_too():
    inner = RecordingSGD(learning_rate=1.0)
    optimizer = LossScaleOptimizer(inner, initial_scale=4.0)
    v = _variable([0.0])
    scaled = torch.tensor([8.0])
    optimizer.apply_gradients([(scaled, v)])
    torch.testing.assert_close(inner.seen[0][0], torch.tensor([2.0]))
    assert torch.equal(scaled, torch.tensor([8.0]))  # the caller's tensor is not modified
    assert optimizer.apply_gradients([(torch.tensor([float("inf")]), v)]) is False
    assert optimizer.dynamic_scale == 2.0


def test_keras2_fixed_scale_never_changes():
    optimizer = LossScaleOptimizer(RecordingSGD(), dynamic=False, initial_scale=64.0)
    v = _variable([1.0])
    v.grad = torch.tensor([float("inf")])
    optimizer.step_from_grads([v])
    assert optimizer.loss_scale == 64.0


def test_attributes_are_the_inner_optimizers():
    inner = RecordingSGD(learning_rate=0.25)
    optimizer = LossScaleOptimizer(inner)
    assert optimizer.learning_rate == 0.25
    optimizer.learning_rate = 0.5
    assert inner.learning_rate == 0.5
    assert optimizer.inner_optimizer is inner


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="already a LossScaleOptimizer"):
        LossScaleOptimizer(LossScaleOptimizer(RecordingSGD()))
    with pytest.raises(ValueError, match="initial_scale"):
        LossScaleOptimizer(RecordingSGD(), initial_scale=0)
    with pytest.raises(TypeError, match="inner_optimizer"):
        LossScaleOptimizer("adam")


def test_float16_training_with_loss_scaling_learns_on_cpu():
    if not hasattr(keras.optimizers, "SGD"):
        pytest.skip("tkeras.optimizers has not landed yet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the CPU advice to prefer bfloat16: this test is about float16
        keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        rng = np.random.default_rng(0)
        x = rng.standard_normal((128, 8)).astype("float32")
        y = x @ rng.standard_normal((8, 1)).astype("float32")
        torch.manual_seed(0)
        model = keras.Sequential([keras.layers.Dense(16, activation="tanh", input_shape=(8,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
        history = model.fit(x, y, batch_size=16, epochs=4, verbose=0, shuffle=False)
        assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
        assert model.optimizer.dynamic_scale > 0
    finally:
        keras.mixed_precision.set_global_policy("float32")
