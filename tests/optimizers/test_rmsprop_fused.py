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


def _run_with(actions, dtype="float64", **config):
    """Fit-loop steps over gradient_steps(6), with `actions[t](optimizer)` run after step t."""
    variables = make_variables(initial_values(dtype))
    optimizer = optimizers.RMSprop(**config)
    for t, step_grads in enumerate(gradient_steps(6, dtype=dtype)):
        fit_loop_steps(optimizer, variables, [step_grads])
        if t in actions:
            actions[t](optimizer)
    return optimizer, variables


def test_between_updates_the_slots_hold_an_offset_that_every_read_takes_off(fused_calls):
    # The velocities stay v + eps / rho between fused updates (one pass saved per update); every way of
    # reading the state gives Keras' v.
    optimizer, variables = _run_with({}, epsilon=1e-3)
    raw = optimizer._slots["velocity"][0].detach().clone().numpy()
    want = velocities_by_hand(gradient_steps(6, dtype="float64"), 0.9, "float64")
    np.testing.assert_allclose(raw, want[0] + 1e-3 / 0.9, rtol=1e-12)
    np.testing.assert_allclose(optimizer.get_weights()[2], want[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(optimizer.variables[2].numpy(), want[0], rtol=1e-12, atol=1e-15)
    store = {}
    optimizer.save_own_variables(store)
    np.testing.assert_allclose(store["2"], want[0], rtol=1e-12, atol=1e-15)
    assert len(fused_calls) == 6


@pytest.mark.parametrize("read", ["get_weights", "variables", "save_own_variables"])
def test_reading_between_updates_changes_no_later_update(fused_calls, read):
    readers = {"get_weights": lambda o: o.get_weights(), "variables": lambda o: o.variables,
               "save_own_variables": lambda o: o.save_own_variables({})}
    _, plain = _run_with({}, epsilon=1e-3)
    _, read_twice = _run_with({1: readers[read], 3: readers[read]}, epsilon=1e-3)
    expected = reference.run("rmsprop", initial_values("float64"), gradient_steps(6, dtype="float64"), epsilon=1e-3)
    for a, b, want in zip(values_of(plain), values_of(read_twice), expected):
        np.testing.assert_allclose(b, a, rtol=1e-14)
        np.testing.assert_allclose(b, want, rtol=1e-7, atol=1e-11)


def test_state_written_between_updates_is_taken_as_kerass_velocity(fused_calls):
    # set_weights in the middle: the updates go on from exactly the velocities given.
    grads = gradient_steps(6, dtype="float64")
    chosen = {}

    def overwrite(optimizer):
        weights = optimizer.get_weights()
        weights[2] = np.full_like(weights[2], 0.25)
        chosen["weights"] = weights
        optimizer.set_weights(weights)

    optimizer, variables = _run_with({2: overwrite}, epsilon=1e-3)
    v = [np.full((2, 3), 0.25), chosen["weights"][3]]
    for step_grads in grads[3:]:
        v = [0.9 * a + 0.1 * g ** 2 for a, g in zip(v, step_grads)]
    np.testing.assert_allclose(optimizer.get_weights()[2], v[0], rtol=1e-12)
    np.testing.assert_allclose(optimizer.get_weights()[3], v[1], rtol=1e-12)


def test_a_changed_epsilon_takes_effect_from_kerass_velocity(fused_calls):
    def change(optimizer):
        optimizer.epsilon = 1e-2

    optimizer, variables = _run_with({2: change}, epsilon=1e-3)
    np.testing.assert_allclose(optimizer.get_weights()[2],
                               velocities_by_hand(gradient_steps(6, dtype="float64"), 0.9, "float64")[0], rtol=1e-12,
                               atol=1e-15)
    start = reference.run("rmsprop", initial_values("float64"), gradient_steps(6, dtype="float64")[:3], epsilon=1e-3)
    v = velocities_by_hand(gradient_steps(6, dtype="float64")[:3], 0.9, "float64")
    w = [np.array(s) for s in start]
    for step_grads in gradient_steps(6, dtype="float64")[3:]:
        v = [0.9 * a + 0.1 * g ** 2 for a, g in zip(v, step_grads)]
        w = [p - 0.001 * g / np.sqrt(a + 1e-2) for p, g, a in zip(w, step_grads, v)]
    for actual, want in zip(values_of(variables), w):
        np.testing.assert_allclose(actual, want, rtol=1e-7, atol=1e-11)


def test_groups_keep_their_offsets_across_each_others_updates(fused_calls):
    # float32 and float64 variables update as two groups; one group's update must not take the other's
    # offset off (that would cost two more passes a step) and every read still gives Keras' v.
    singles, doubles = make_variables(initial_values("float32")), make_variables(initial_values("float64"),
                                                                               names=("k64", "b64"))
    optimizer = optimizers.RMSprop(epsilon=1e-3)
    grads = gradient_steps(3, dtype="float64")
    for step_grads in grads:
        for variable, g in zip(singles + doubles, [*step_grads, *step_grads]):
            variable.grad = torch.as_tensor(g, dtype=variable.dtype).clone()
        optimizer.step_from_grads(singles + doubles)
    assert len(fused_calls) == 6 and len(optimizer._offset_velocities) == 2
    want = velocities_by_hand(grads, 0.9, "float64")
    raw = [slot.detach().clone().numpy() for slot in optimizer._slots["velocity"]]
    for slot, expected in zip(raw, want + want):
        np.testing.assert_allclose(slot, expected + 1e-3 / 0.9, rtol=1e-6)
    for slot, expected in zip(optimizer.get_weights()[2:], want + want):
        np.testing.assert_allclose(slot, expected, rtol=1e-6, atol=1e-9)
