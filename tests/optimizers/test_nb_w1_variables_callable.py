"""`optimizer.variables()`: tf-keras 2's optimizers made `variables` a method (OptimizerV2) and then a
list that returns itself when called (2.11+), so TF 2-era training loops and checkpoint code call
`opt.variables()`; Keras 3 code reads the list `opt.variables`. Both spellings give the same variables,
for plain optimizers and the wrappers (LossScaleOptimizer)."""
import numpy as np
import torch

from tkeras import optimizers
from tkeras.backend.variable import Variable
from tkeras.mixed_precision import LossScaleOptimizer


def _stepped(optimizer):
    weight = Variable(torch.tensor([1.0, -2.0]))
    optimizer.apply_gradients([(torch.tensor([0.5, 0.25]), weight)])
    return optimizer


def test_adam_variables_called_and_read_are_the_same_list():
    adam = _stepped(optimizers.Adam(learning_rate=0.1))
    called = adam.variables()
    assert [id(v) for v in called] == [id(v) for v in adam.variables]
    assert isinstance(called, list) and called() is called
    # iterations first; after one step Adam's first moment of the gradient is (1 - beta_1) * g
    assert int(called[0].numpy()) == 1
    moments = [v.numpy() for v in called if v.shape == (2,)]
    np.testing.assert_allclose(moments[0], 0.1 * np.array([0.5, 0.25]), rtol=1e-6)


def test_legacy_and_wrapped_optimizers_answer_the_call():
    legacy = _stepped(optimizers.legacy.SGD(learning_rate=0.1, momentum=0.9))
    assert len(legacy.variables()) == len(legacy.variables)
    wrapped = _stepped(LossScaleOptimizer(optimizers.SGD(learning_rate=0.1)))
    assert [id(v) for v in wrapped.variables()] == [id(v) for v in wrapped.variables]
