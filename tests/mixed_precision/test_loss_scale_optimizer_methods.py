"""Keras 3's public LossScaleOptimizer methods beyond scaling: check_finite, build, learning_rate /
iterations, the custom-step helpers and the weights round trip, forwarded to the inner optimizer."""
import numpy as np
import torch

from tkeras import optimizers
from tkeras.backend.variable import Variable
from tkeras.mixed_precision import LossScaleOptimizer


def _pair():
    return LossScaleOptimizer(optimizers.SGD(learning_rate=0.1, momentum=0.9)), Variable(torch.ones(3))


def test_check_finite():
    opt, _ = _pair()
    assert bool(opt.check_finite([torch.ones(2), None, torch.zeros(3)]))
    assert not bool(opt.check_finite([torch.ones(2), torch.tensor([1.0, float("inf")])]))
    assert not bool(opt.check_finite([torch.tensor(float("nan"))]))


def test_build_learning_rate_iterations_and_weights_round_trip():
    opt, v = _pair()
    opt.build([v])
    assert opt.inner_optimizer.built
    assert len(opt.variables) == 4 + len(opt.inner_optimizer.variables)
    opt.learning_rate = 0.5
    assert float(opt.inner_optimizer.learning_rate) == 0.5 and float(opt.learning_rate) == 0.5
    assert int(opt.iterations) == int(opt.inner_optimizer.iterations)
    weights = opt.get_weights()
    weights[3] = np.array(8.0, "float32")  # dynamic_scale
    opt.set_weights(weights)
    assert opt.dynamic_scale == 8.0
    store = {}
    opt.save_own_variables(store)
    other, w = _pair()
    other.build([w])
    other.load_own_variables(store)
    assert other.dynamic_scale == 8.0


def test_custom_step_helpers_forward_to_the_inner_optimizer():
    opt, v = _pair()
    opt.build([v])
    target = Variable(torch.zeros(3))
    opt.assign(target, torch.ones(3))
    opt.assign_add(target, torch.ones(3))
    opt.assign_sub(target, 0.5 * torch.ones(3))
    np.testing.assert_allclose(np.asarray(target.numpy()), [1.5, 1.5, 1.5])
