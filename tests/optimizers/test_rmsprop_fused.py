"""RMSprop's one-pass path (torch's fused Adam kernel with beta_1 = 0, see optimizers/rmsprop.py)
against Keras' formula in NumPy: the weights, the velocity Keras would hold, when the path is taken,
and that it leaves a caller's gradients alone."""
import numpy as np
import pytest
import torch

from tests.optimizers import as_tensors, gradient_steps, initial_values, make_variables, reference, values_of
from tkeras import optimizers


@pytest.fixture
def fused_calls(monkeypatch):
    calls = []
    kernel = torch._fused_adam_

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return kernel(*args, **kwargs)

    monkeypatch.setattr(torch, "_fused_adam_", spy)
    return calls


def velocities_by_hand(grads, rho, dtype):
    v = [np.zeros_like(g, dtype=dtype) for g in grads[0]]
    for step in grads:
        v = [rho * a + (1 - rho) * g.astype(dtype) ** 2 for a, g in zip(v, step)]
    return v


def fit_loop_steps(optimizer, variables, grads):
    for step_grads in grads:
        for variable, g in zip(variables, as_tensors(step_grads)):
            variable.grad = g.clone()
        optimizer.step_from_grads(variables)


# rho = 1 - 1e-7 is about as close to 1 as the kernel's bias correction stays exactly 1. Its steps are
# ~1, so its rate is one float32 holds exactly (the rate is a float32 variable, as in Keras).
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("config", [{}, {"learning_rate": 0.01, "rho": 0.5}, {"rho": 0.999, "epsilon": 1e-3},
                                    {"rho": 1 - 1e-7, "learning_rate": 2.0 ** -10}],
                         ids=["defaults", "rho0.5", "rho0.999-eps1e-3", "rho1-1e-7"])
def test_fit_loop_update_takes_the_fused_kernel_and_matches_keras(fused_calls, config, dtype):
    grads = gradient_steps(5, dtype=dtype)
    variables = make_variables(initial_values(dtype))
    optimizer = optimizers.RMSprop(**config)
    fit_loop_steps(optimizer, variables, grads)
    assert len(fused_calls) == 5
    expected = reference.run("rmsprop", initial_values(dtype), grads, **config)
    tight = dtype == "float64"
    for actual, want, before in zip(values_of(variables), expected, initial_values(dtype)):
        np.testing.assert_allclose(actual, want, rtol=1e-7 if tight else 1e-5, atol=1e-11 if tight else 1e-6)
        assert np.abs(want - before).max() > 1e-4  # the steps are far above the tolerance
    # The slot holds Keras' v, not the v + eps the kernel divides by: within about an ulp of epsilon.
    epsilon = config.get("epsilon", 1e-7)
    slots = [optimizer.variables[2].numpy(), optimizer.variables[3].numpy()]
    for slot, want in zip(slots, velocities_by_hand(grads, config.get("rho", 0.9), dtype)):
        np.testing.assert_allclose(slot, want, rtol=1e-12 if tight else 1e-6,
                                   atol=epsilon * (1e-15 if tight else 1e-6))
    assert slots[0][1, 2] == 0.0 or abs(slots[0][1, 2]) <= epsilon * 1e-6  # a zero gradient: v stays ~0


def test_fused_path_agrees_with_the_formula_over_many_steps(fused_calls):
    rng = np.random.default_rng(0)
    # Gradient scales from 1e-6 to 1: v from far below epsilon to far above it.
    grads = [[(rng.standard_normal((64, 32)) * 10.0 ** rng.integers(-6, 1)).astype("float32"),
              rng.standard_normal(32).astype("float32")] for _ in range(40)]
    start = [rng.standard_normal((64, 32)).astype("float32"), np.zeros(32, "float32")]
    fit_loop = make_variables(start)
    fit_loop_steps(optimizers.RMSprop(learning_rate=0.01), fit_loop, grads)
    custom_loop = make_variables(start)
    optimizer = optimizers.RMSprop(learning_rate=0.01)
    for step_grads in grads:
        optimizer.apply(as_tensors(step_grads), custom_loop)
    assert len(fused_calls) == 80
    expected = reference.run("rmsprop", start, grads, learning_rate=0.01)
    for a, b, want in zip(values_of(fit_loop), values_of(custom_loop), expected):
        np.testing.assert_allclose(a, want, rtol=2e-5, atol=1e-6)
        np.testing.assert_array_equal(a, b)  # the same kernel whichever buffer holds its first moment


def test_caller_gradients_are_left_untouched(fused_calls):
    variables = make_variables(initial_values())
    grads = [torch.tensor([[np.inf, 1.0, -2.0], [0.5, 0.0, 3.0]]), torch.tensor([0.1, -0.2, 0.3])]
    kept = [g.clone() for g in grads]
    optimizers.RMSprop().apply_gradients(zip(grads, variables))
    assert len(fused_calls) == 1
    for g, before in zip(grads, kept):
        assert torch.equal(g, before)  # the inf stays an inf: nothing was written into the caller's tensors


def test_gradients_in_other_layouts_are_copied_not_left_to_foreach(fused_calls):
    # autograd.grad hands a narrow Dense head's kernel gradient over transposed, and the gradient of
    # a sum expanded (stride 0): copied into their params' layout, the group still takes the kernel.
    rng = np.random.default_rng(5)
    start = [rng.standard_normal((4, 3)).astype("float32"), rng.standard_normal(3).astype("float32")]
    variables = make_variables(start)
    optimizer = optimizers.RMSprop(learning_rate=0.01)
    steps = []
    for t in range(3):
        kernel_t = torch.tensor(rng.standard_normal((3, 4)), dtype=torch.float32)
        grads = [kernel_t.t(), torch.tensor(0.5 + t).expand(3)]
        kept = [g.clone() for g in grads]
        optimizer.apply(grads, variables)
        # the caller's tensors keep their values and layouts
        assert all(torch.equal(g, k) for g, k in zip(grads, kept)) and grads[0].stride() == (1, 4)
        steps.append([g.contiguous().numpy() for g in grads])
    assert len(fused_calls) == 3
    expected = reference.run("rmsprop", start, steps, learning_rate=0.01)
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("entry", ["fit_loop", "apply_gradients"])
def test_a_non_finite_gradient_spoils_only_its_own_weight(fused_calls, entry):
    # Keras: an inf gradient makes v inf and the weight NaN (inf / inf), for good; every other
    # weight goes on as if nothing happened. The fused path's first-moment buffer must not spread it.
    grads = gradient_steps(4)
    grads[1][0] = grads[1][0].copy()
    grads[1][0][0, 1] = np.inf
    variables = make_variables(initial_values())
    optimizer = optimizers.RMSprop(learning_rate=0.01)
    if entry == "fit_loop":
        fit_loop_steps(optimizer, variables, grads)
    else:
        for step_grads in grads:
            optimizer.apply(as_tensors(step_grads), variables)
    assert len(fused_calls) == 4
    expected = reference.run("rmsprop", initial_values(), [[g.astype("float64") for g in s] for s in grads],
                             learning_rate=0.01)
    kernel, bias = values_of(variables)
    assert np.isnan(kernel[0, 1]) and np.isnan(expected[0][0, 1])
    finite = np.ones(kernel.shape, bool)
    finite[0, 1] = False
    np.testing.assert_allclose(kernel[finite], expected[0][finite], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bias, expected[1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("config", [{"rho": 0.0}, {"rho": 1.0}, {"rho": 1 - 1e-9}, {"momentum": 0.5},
                                    {"centered": True}])
def test_variants_the_kernel_cannot_express_use_foreach(fused_calls, config):
    grads = gradient_steps(3)
    variables = make_variables(initial_values())
    fit_loop_steps(optimizers.RMSprop(learning_rate=0.01, **config), variables, grads)
    assert fused_calls == []
    expected = reference.run("rmsprop", initial_values(), grads, learning_rate=0.01, **config)
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)
