"""Argument checks of the newer optimizers, MultiOptimizer's routing and refusals, the Keras 2
`optimizers.legacy` namespace, and a learning rate of 0.0 keeping the state layout."""
import numpy as np
import pytest
import torch

from tests.optimizers import as_tensors, gradient_steps, initial_values, make_variables
from tkeras import optimizers


def test_zero_learning_rate_keeps_iteration_first():
    # list.remove compared tensors by value: a rate of 0.0 equal to iteration 0 dropped `iteration`.
    optimizer = optimizers.SGD(learning_rate=0.0)
    assert [v.name for v in optimizer.variables] == ["iteration", "learning_rate"]
    optimizer.learning_rate = optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert [v.name for v in optimizer.variables] == ["iteration"]


@pytest.mark.parametrize("argument, value", [("initial_accumulator_value", -0.1), ("learning_rate_power", 0.5),
                                             ("l1_regularization_strength", -1.0),
                                             ("l2_shrinkage_regularization_strength", -0.5)])
def test_ftrl_rejects_bad_strengths(argument, value):
    with pytest.raises(ValueError, match=f"Ftrl: `{argument}` must be .*received {argument}={value}"):
        optimizers.Ftrl(**{argument: value})


def test_muon_routing_and_argument_errors():
    optimizer = optimizers.Muon(exclude_layers=["dense_out"])
    kernel, bias = make_variables(initial_values())
    assert not optimizer.uses_adam(kernel) and optimizer.uses_adam(bias)
    out = make_variables(initial_values(), names=("dense_out/kernel", "b"))[0]
    emb = make_variables(initial_values(), names=("my_embedding/embeddings", "b"))[0]
    assert optimizer.uses_adam(out) and optimizer.uses_adam(emb)
    assert not optimizers.Muon(exclude_embeddings=False).uses_adam(emb)
    with pytest.raises(TypeError, match="exclude_layers=\\['dense_out'\\]"):
        optimizers.Muon(exclude_layers="dense_out")
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        optimizer.orthogonalize(torch.ones(3))


def test_muon_orthogonalizes():
    # The quintic iteration drives singular values into roughly [0.7, 1.2] (Keller Jordan's choice).
    rng = np.random.default_rng(0)
    matrix = torch.tensor(rng.standard_normal((6, 4)) * np.array([4.0, 2.0, 1.0, 0.5]), dtype=torch.float64)
    singular = torch.linalg.svdvals(optimizers.Muon().orthogonalize(matrix))
    assert singular.min() > 0.6 and singular.max() < 1.25


def test_multi_optimizer_routes_by_path_and_has_no_learning_rate():
    adam, sgd = optimizers.Adam(0.05), optimizers.SGD(0.1)
    mapping = optimizers.OptimizerMap(sgd, {"bi.*": adam})
    multi = optimizers.MultiOptimizer(mapping)
    variables = make_variables(initial_values())
    grads = gradient_steps(2)
    for step in grads:
        for v, g in zip(variables, as_tensors(step)):
            v.grad = g
        multi.step_from_grads(variables)
    assert int(multi.iterations) == 2 and int(adam.iterations) == 2 and int(sgd.iterations) == 2
    expected_kernel = initial_values()[0] - 0.1 * (grads[0][0] + grads[1][0])
    np.testing.assert_allclose(variables[0].detach().numpy(), expected_kernel, rtol=1e-5, atol=1e-6)
    assert [v.name for v in multi.variables][:2] == ["iteration", "learning_rate"]
    assert len(multi.get_weights()) == 2 + len(adam.variables) + len(sgd.variables)
    with pytest.raises(AttributeError, match="sub-optimizer"):
        multi.learning_rate
    with pytest.raises(AttributeError, match="sub-optimizers"):
        multi.learning_rate = 0.1


def test_optimizer_map_lookup_and_refusals():
    default, other = optimizers.SGD(), optimizers.Adam()
    mapping = optimizers.OptimizerMap(default)
    mapping["encoder/.*"] = other
    mapping["encoder/dense/kernel"] = default
    assert mapping["encoder/dense/kernel"] is default  # an exact key wins over a pattern
    assert mapping["encoder/attention/query"] is other and mapping["decoder"] is default
    mapping["enc.*"] = other
    with pytest.raises(ValueError, match="matches several patterns"):
        mapping["encoder/x"]
    with pytest.raises(ValueError, match="already mapped"):
        mapping["decoder"] = other
        mapping["decoder"] = other
    with pytest.raises(ValueError, match="a LossScaleOptimizer cannot be used inside"):
        mapping["x"] = optimizers.LossScaleOptimizer(optimizers.SGD())
    with pytest.raises(TypeError, match="default_optimizer"):
        optimizers.OptimizerMap("sgd")


def test_new_names_resolve_everywhere():
    for name, cls in [("adafactor", optimizers.Adafactor), ("Ftrl", optimizers.Ftrl), ("lamb", optimizers.Lamb),
                      ("muon", optimizers.Muon), ("schedule_free_adamw", optimizers.ScheduleFreeAdamW)]:
        assert type(optimizers.get(name)) is cls
    assert optimizers.legacy.Adam is optimizers.Adam and optimizers.legacy.Ftrl is optimizers.Ftrl
