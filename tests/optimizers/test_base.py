"""The Optimizer base class against reference.py: clipping, weight decay, EMA, loss scaling, the learning
rate (Variable, Keras 1/2 `lr=`/`decay=`, set during training), iterations, and every entry point."""
import warnings

import numpy as np
import pytest
import torch

import tkeras as keras
from tests.optimizers import CLASSES, as_tensors, gradient_steps, initial_values, make_variables, values_of
from tests.optimizers import reference
from tkeras import layers, optimizers
from tkeras.backend.gradient_tape import GradientTape
from tkeras.backend.variable import Variable

TOL = dict(rtol=1e-5, atol=1e-6)


def check(kind, config, grads=None, reference_options=None, entry="apply_gradients", values=None):
    """Run `kind(**config)` through `entry` and compare with the reference; returns the optimizer."""
    values = values if values is not None else initial_values()
    grads = grads if grads is not None else gradient_steps(4)
    variables = make_variables(values)
    optimizer = CLASSES[kind](**config)
    for step_grads in grads:
        feed(optimizer, entry, variables, step_grads)
    expected = reference.run(kind, values, grads, **(reference_options or config))
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, **TOL)
    return optimizer, variables


def feed(optimizer, entry, variables, step_grads):
    grads = as_tensors(step_grads)
    if entry == "apply_gradients":
        optimizer.apply_gradients(zip(grads, variables))
    elif entry == "apply":
        optimizer.apply(grads, variables)
    elif entry == "apply_built":
        if not optimizer.built:
            optimizer.build(variables)
        optimizer.apply(grads)
    elif entry == "step_from_grads":
        for v, g in zip(variables, grads):
            v.grad = None if g is None else g.clone()
        optimizer.step_from_grads(variables)
    elif entry == "minimize":
        # loss = sum(g * w) over the variables that get a gradient: d loss / d w = g.
        pairs = [(v, g) for v, g in zip(variables, grads) if g is not None]
        optimizer.minimize(lambda: sum((v * g).sum() for v, g in pairs), [v for v, _ in pairs])
    elif entry == "minimize_tape":
        pairs = [(v, g) for v, g in zip(variables, grads) if g is not None]
        with GradientTape() as tape:
            loss = sum((v * g).sum() for v, g in pairs)
        optimizer.minimize(loss, [v for v, _ in pairs], tape=tape)
    else:
        raise AssertionError(entry)


# -- entry points -------------------------------------------------------------------------------------
ENTRIES = ["apply_gradients", "apply", "apply_built", "step_from_grads", "minimize", "minimize_tape"]


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("kind, config", [("adam", {"learning_rate": 0.05}),
                                          ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "clipnorm": 1.0}),
                                          ("rmsprop", {"learning_rate": 0.02, "global_clipnorm": 1.5}),
                                          ("nadam", {"learning_rate": 0.05, "clipvalue": 0.5})])
def test_entry_points_agree_with_reference(entry, kind, config):
    optimizer, _ = check(kind, config, entry=entry)
    assert int(optimizer.iterations) == 4


@pytest.mark.parametrize("extra", [{"clipnorm": 0.5}, {"global_clipnorm": 0.5}, {"clipvalue": 0.1},
                                   {"loss_scale_factor": 2.0}])
def test_explicit_gradients_are_not_modified(extra):
    variables = make_variables(initial_values())
    grads = as_tensors(gradient_steps(1)[0])
    kept = [g.clone() for g in grads]
    optimizer = optimizers.Adam(learning_rate=0.1, **extra)
    optimizer.apply_gradients(zip(grads, variables))
    for g, k in zip(grads, kept):
        assert torch.equal(g, k)


def test_gradient_tape_custom_loop_on_a_model():
    """Keras 2's loop: grads = tape.gradient(loss, model.trainable_weights); opt.apply_gradients(zip(...))."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 3)).astype("float32")
    y = rng.standard_normal((16, 2)).astype("float32")
    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    kernel = rng.standard_normal((3, 2)).astype("float32")
    bias = np.array([0.5, -0.5], "float32")
    model.set_weights([kernel, bias])
    optimizer = optimizers.Adam(learning_rate=0.05)
    loss_fn = keras.losses.MeanSquaredError()
    ref = reference.Reference("adam", learning_rate=0.05)
    params = [kernel.astype("float64"), bias.astype("float64")]
    for _ in range(3):
        with GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        residual = x @ params[0] + params[1] - y
        params = ref.step(params, [2 / residual.size * x.T @ residual, 2 / residual.size * residual.sum(0)])
    for actual, want in zip(model.get_weights(), params):
        np.testing.assert_allclose(actual, want, **TOL)
    assert int(optimizer.iterations) == 3


def test_apply_returns_and_counts_iterations():
    variables = make_variables(initial_values())
    optimizer = optimizers.SGD()
    assert int(optimizer.iterations) == 0
    result = optimizer.apply_gradients(zip(as_tensors(gradient_steps(1)[0]), variables))
    assert result is optimizer.iterations
    assert int(optimizer.iterations) == 1
    assert optimizer.iterations.dtype == torch.int64
    optimizer.apply(as_tensors(gradient_steps(1)[0]), variables)
    assert int(optimizer.iterations) == 2
    optimizer.iterations = 10
    assert int(optimizer.iterations) == 10


def test_numpy_gradients_are_accepted():
    check("adam", {"learning_rate": 0.05}, grads=[[np.asarray(g, "float64") for g in s] for s in gradient_steps(2)])


# -- variables without a gradient, variables first seen later -------------------------------------------
@pytest.mark.parametrize("entry", ["apply_gradients", "step_from_grads"])
@pytest.mark.parametrize("kind", ["adam", "rmsprop", "sgd", "nadam", "adagrad"])
def test_variables_without_gradient_are_skipped(kind, entry):
    grads = gradient_steps(4)
    grads[1][0] = None  # no kernel gradient on the second update
    grads[2][1] = None  # no bias gradient on the third
    config = {"learning_rate": 0.05, "momentum": 0.9} if kind == "sgd" else {"learning_rate": 0.05}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimizer, variables = check(kind, config, grads=grads, entry=entry)
    assert int(optimizer.iterations) == 4


def test_missing_gradient_warns_and_all_missing_raises():
    variables = make_variables(initial_values())
    optimizer = optimizers.Adam()
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        optimizer.apply_gradients([(None, variables[0]), (torch.ones(3), variables[1])])
    with pytest.raises(ValueError, match="No gradients"):
        optimizer.apply_gradients([(None, variables[0]), (None, variables[1])])
    with pytest.raises(ValueError, match="No gradients"):
        optimizer.step_from_grads(variables)  # no .grad anywhere


def test_variable_first_seen_after_build():
    values = initial_values()
    extra_value = np.array([2.0, -1.0], "float32")
    variables = make_variables(values)
    extra = make_variables([extra_value], names=["extra"])[0]
    optimizer = optimizers.Adam(learning_rate=0.05)
    grads = gradient_steps(4)
    extra_grads = [np.array([0.5, -0.25], "float32"), np.array([-1.0, 0.75], "float32")]
    optimizer.build(variables)
    n_before = len(optimizer.variables)
    for step_grads in grads[:2]:
        optimizer.apply(as_tensors(step_grads), variables)
    for step_grads, extra_grad in zip(grads[2:], extra_grads):
        optimizer.apply(as_tensors(step_grads + [extra_grad]), variables + [extra])
    # The late variable's slots are appended after the others and start from zero at its first update,
    # while the step count (bias correction) is the optimizer's.
    assert [v.name for v in optimizer.variables[n_before:]] == ["extra_momentum", "extra_velocity"]
    expected = reference.run("adam", values, grads, learning_rate=0.05)
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, **TOL)
    late = reference.Reference("adam", learning_rate=0.05)
    late.iterations = 2
    p = [extra_value]
    for g in extra_grads:
        p = late.step(p, [g])
    np.testing.assert_allclose(extra.detach().numpy(), p[0], **TOL)


# -- clipping, loss scaling ---------------------------------------------------------------------------
@pytest.mark.parametrize("clip", [{"clipnorm": 0.5}, {"clipnorm": 100.0}, {"global_clipnorm": 0.8},
                                  {"global_clipnorm": 100.0}, {"clipvalue": 0.3}])
@pytest.mark.parametrize("entry", ["apply_gradients", "step_from_grads"])
def test_clipping(clip, entry):
    check("sgd", {"learning_rate": 0.1, **clip}, entry=entry)
    check("adam", {"learning_rate": 0.05, **clip}, entry=entry)


def test_clipnorm_rescales_each_gradient_separately():
    variables = make_variables([np.zeros(2, "float32"), np.zeros(1, "float32")], names=["a", "b"])
    optimizer = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    optimizer.apply([torch.tensor([3.0, 4.0]), torch.tensor([0.5])], variables)
    np.testing.assert_allclose(variables[0].numpy(), [-0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(variables[1].numpy(), [-0.5], rtol=1e-6)
    optimizer = optimizers.SGD(learning_rate=1.0, global_clipnorm=2.5)
    variables = make_variables([np.zeros(2, "float32"), np.zeros(1, "float32")], names=["a", "b"])
    optimizer.apply([torch.tensor([3.0, 4.0]), torch.tensor([0.0])], variables)
    np.testing.assert_allclose(variables[0].numpy(), [-1.5, -2.0], rtol=1e-6)


def test_global_clipnorm_with_infinite_gradient_poisons_the_update():
    variables = make_variables([np.ones(2, "float32")], names=["a"])
    optimizer = optimizers.SGD(learning_rate=0.1, global_clipnorm=1.0)
    optimizer.apply([torch.tensor([np.inf, 1.0])], variables)
    assert np.isnan(variables[0].numpy()).all()


def test_only_one_clipping_argument():
    with pytest.raises(ValueError, match="clipnorm"):
        optimizers.Adam(clipnorm=1.0, clipvalue=0.5)
    with pytest.raises(ValueError, match="global_clipnorm"):
        optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)


@pytest.mark.parametrize("entry", ["apply_gradients", "step_from_grads"])
def test_loss_scale_factor_unscales_gradients(entry):
    optimizer, _ = check("adam", {"learning_rate": 0.05, "loss_scale_factor": 128.0, "clipnorm": 0.5},
                         grads=[[g * 128 for g in s] for s in gradient_steps(3)], entry=entry,
                         reference_options={"learning_rate": 0.05, "loss_scale_factor": 128.0, "clipnorm": 0.5})
    assert float(optimizer.scale_loss(torch.tensor(2.0))) == 256.0


# -- weight decay -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(CLASSES))
@pytest.mark.parametrize("entry", ["apply_gradients", "step_from_grads"])
def test_weight_decay_on_any_optimizer(kind, entry):
    check(kind, {"learning_rate": 0.05, "weight_decay": 0.2}, entry=entry)


def test_adamw_decoupled_decay_default_and_zero_gradient():
    # With a zero gradient Adam's step is 0, so only the decoupled decay moves the weights.
    values = initial_values()
    grads = [[np.zeros((2, 3), "float32"), np.zeros(3, "float32")]] * 3
    optimizer, variables = check("adamw", {"learning_rate": 0.1}, grads=grads)
    np.testing.assert_allclose(variables[0].numpy(), values[0] * (1 - 0.1 * 0.004) ** 3, rtol=1e-6)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


def test_exclude_from_weight_decay_by_variable_and_by_name():
    values = initial_values()
    grads = gradient_steps(3)
    for how in ("var_list", "var_names"):
        variables = make_variables(values)
        optimizer = optimizers.AdamW(learning_rate=0.05, weight_decay=0.3)
        if how == "var_list":
            optimizer.exclude_from_weight_decay(var_list=[variables[1]])
        else:
            optimizer.exclude_from_weight_decay(var_names=["bia"])
        for step_grads in grads:
            optimizer.apply(as_tensors(step_grads), variables)
        expected = reference.run("adamw", values, grads, learning_rate=0.05, weight_decay=0.3,
                                 decayed=[True, False])
        for actual, want in zip(values_of(variables), expected):
            np.testing.assert_allclose(actual, want, **TOL)


def test_weight_decay_uses_the_scheduled_rate():
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    check("sgd", {"learning_rate": schedule, "weight_decay": 0.5},
          reference_options={"lr_at": lambda s: 0.1 * 0.5 ** s, "weight_decay": 0.5})


# -- exponential moving average of the weights ---------------------------------------------------------
def test_use_ema_averages_and_finalize():
    values = initial_values()
    grads = gradient_steps(5)
    variables = make_variables(values)
    optimizer = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.9)
    for step_grads in grads:
        optimizer.apply(as_tensors(step_grads), variables)
    ref = reference.Reference("sgd", learning_rate=0.1, use_ema=True, ema_momentum=0.9)
    params = values
    for step_grads in grads:
        params = ref.step(params, step_grads)
    for actual, want in zip(values_of(variables), params):
        np.testing.assert_allclose(actual, want, **TOL)
    optimizer.finalize_variable_values(variables)
    for actual, want in zip(values_of(variables), ref.averages):
        np.testing.assert_allclose(actual, want, **TOL)
    assert [v.name for v in optimizer.variables[2:]] == ["kernel_average", "bias_average"]


def test_ema_overwrite_frequency():
    check("adam", {"learning_rate": 0.05, "use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 2},
          grads=gradient_steps(5), entry="step_from_grads")


def test_bad_ema_momentum():
    with pytest.raises(ValueError, match="ema_momentum"):
        optimizers.Adam(use_ema=True, ema_momentum=1.5)


# -- the learning rate --------------------------------------------------------------------------------
def test_learning_rate_is_a_float32_variable_and_settable_every_way():
    values = initial_values()
    grads = gradient_steps(5)
    rates = [0.1, 0.05, 0.2, 0.01, 0.3]
    variables = make_variables(values)
    optimizer = optimizers.RMSprop(learning_rate=rates[0])
    assert optimizer.learning_rate.dtype == torch.float32
    assert float(optimizer.learning_rate) == pytest.approx(0.1, rel=1e-6)
    setters = [lambda x: None,
               lambda x: setattr(optimizer, "learning_rate", x),
               lambda x: optimizer.learning_rate.assign(x),
               lambda x: setattr(optimizer, "lr", x),
               lambda x: keras.backend.set_value(optimizer.lr, x)]
    for rate, setter, step_grads in zip(rates, setters, grads):
        setter(rate)
        assert keras.backend.get_value(optimizer.lr) == pytest.approx(rate, rel=1e-6)
        assert float(optimizer.learning_rate) == pytest.approx(rate, rel=1e-6)
        optimizer.apply(as_tensors(step_grads), variables)
    expected = reference.run("rmsprop", values, grads, lr_at=lambda s: rates[s])
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, **TOL)
    # The Variable object stays the same (callbacks hold on to it), listed second in `variables`.
    assert optimizer.variables[1] is optimizer.learning_rate
    assert optimizer.get_config()["learning_rate"] == pytest.approx(0.3, rel=1e-6)


def test_keras2_lr_and_decay_arguments():
    grads = gradient_steps(4)
    optimizer, _ = check("sgd", {"lr": 0.2, "decay": 0.5, "momentum": 0.5},
                         reference_options={"learning_rate": 0.2, "decay": 0.5, "momentum": 0.5}, grads=grads)
    assert float(optimizer.lr) == pytest.approx(0.2, rel=1e-6)
    check("adam", {"lr": 0.05, "decay": 0.1}, reference_options={"learning_rate": 0.05, "decay": 0.1},
          entry="step_from_grads")
    assert optimizers.Adam(lr=0.3).get_config()["learning_rate"] == pytest.approx(0.3, rel=1e-6)
    restored = optimizers.Adam.from_config(optimizers.Adam(lr=0.3, decay=0.01).get_config())
    assert restored.decay == 0.01


def test_learning_rate_callable_and_schedule():
    calls = []

    def rate():
        calls.append(1)
        return 0.05
    check("adam", {"learning_rate": rate}, reference_options={"learning_rate": 0.05})
    assert len(calls) >= 4
    schedule = optimizers.schedules.InverseTimeDecay(0.1, decay_steps=2, decay_rate=1.0)
    optimizer, _ = check("sgd", {"learning_rate": schedule, "momentum": 0.5},
                         reference_options={"lr_at": lambda s: 0.1 / (1 + s / 2), "momentum": 0.5})
    # With a schedule, `learning_rate` is the rate of the next update and not settable to a number.
    assert float(optimizer.learning_rate) == pytest.approx(0.1 / 3, rel=1e-6)
    assert [v.name for v in optimizer.variables[:2]] == ["iteration", "kernel_momentum"]
    with pytest.raises(TypeError, match="schedule"):
        optimizer.learning_rate = 0.5


def test_setting_a_schedule_later_drops_the_learning_rate_variable():
    optimizer = optimizers.SGD(learning_rate=0.5)
    assert [v.name for v in optimizer.variables] == ["iteration", "learning_rate"]
    schedule = optimizers.schedules.ExponentialDecay(0.2, decay_steps=1, decay_rate=0.5)
    optimizer.learning_rate = schedule
    assert [v.name for v in optimizer.variables] == ["iteration"]
    variables = make_variables(initial_values())
    grads = gradient_steps(3)
    for step_grads in grads:
        optimizer.apply(as_tensors(step_grads), variables)
    expected = reference.run("sgd", initial_values(), grads, lr_at=lambda s: 0.2 * 0.5 ** s)
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, **TOL)


def test_bad_learning_rate_and_unknown_argument():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")
    with pytest.raises(ValueError, match="betta_1"):
        optimizers.Adam(betta_1=0.9)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=-0.1)


# -- gradient layouts ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(CLASSES))
def test_gradients_in_any_memory_layout(kind):
    """autograd.grad hands out expanded gradients (d sum(w) / dw is ones.expand(...), stride 0) and
    transposed ones; a variable can itself be a transposed view. Each must be read element by element."""
    values = [np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "float32"), np.array([0.1, -0.2, 0.3], "float32")]
    variables = [make_variables([values[0]], names=["k"])[0], make_variables([values[1]], names=["b"])[0],
                 Variable(torch.from_numpy(values[0].copy()).t(), name="view")]
    assert not variables[2].is_contiguous()
    config = {"learning_rate": 0.05}
    optimizer = CLASSES[kind](**config)
    steps = []
    for t in range(3):
        k = torch.tensor(np.random.default_rng(t).standard_normal((3, 2)), dtype=torch.float32)
        grads = [k.t(), torch.tensor(1.5 + t).expand(3), k.clone()]
        assert grads[0].stride() != variables[0].stride() and grads[1].stride() == (0,)
        steps.append([g.contiguous().numpy() for g in grads])
        optimizer.apply(grads, variables)
    start = [values[0], values[1], values[0].T]
    expected = reference.run(kind, start, steps, **config)
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_fuses_variables_stored_permuted(amsgrad, monkeypatch):
    """A convolution kernel is stored in torch's order (a permuted, gap-free layout) and autograd gives
    its gradient the same strides: Adam's one-pass kernel walks all of them as flat arrays and must
    give the reference update; a gradient in another layout is first copied into the kernel's layout
    (the caller's tensor is left alone) and fused too."""
    start = np.random.default_rng(0).standard_normal((3, 4, 2)).astype("float32")
    kernel = Variable(torch.from_numpy(start.transpose(2, 1, 0).copy()).permute(2, 1, 0), name="kernel")
    assert not kernel.is_contiguous() and kernel.shape == (3, 4, 2)
    calls = []
    fused = torch._fused_adam_
    monkeypatch.setattr(torch, "_fused_adam_", lambda *a, **k: calls.append(1) or fused(*a, **k))
    optimizer = optimizers.Adam(learning_rate=0.05, amsgrad=amsgrad)
    steps = []
    for t in range(3):
        g = np.random.default_rng(t + 1).standard_normal((3, 4, 2)).astype("float32")
        same_layout = torch.from_numpy(g.transpose(2, 1, 0).copy()).permute(2, 1, 0)
        grad = same_layout if t < 2 else torch.from_numpy(g)  # the last one contiguous: not kernel's layout
        assert (grad.stride() == kernel.stride()) == (t < 2)
        before = grad.clone()
        optimizer.apply([grad], [kernel])
        assert torch.equal(grad, before) and grad.stride() == before.stride()
        steps.append([g])
    assert calls == [1, 1, 1]
    expected = reference.run("adam", [start], steps, learning_rate=0.05, amsgrad=amsgrad)
    np.testing.assert_allclose(kernel.detach().numpy(), expected[0], rtol=1e-5, atol=1e-6)


def test_tape_gradient_of_a_sum_on_adam():
    bias = make_variables([np.array([1.0, 2.0, 3.0], "float32")], names=["bias"])[0]
    optimizer = optimizers.Adam(learning_rate=0.1)
    for _ in range(2):
        with GradientTape() as tape:
            loss = bias.sum() * 2.0
        optimizer.apply_gradients(zip(tape.gradient(loss, [bias]), [bias]))
    # Adam's first steps move every coordinate by ~lr against a constant gradient.
    expected = reference.run("adam", [np.array([1.0, 2.0, 3.0], "float32")], [[np.full(3, 2.0)]] * 2,
                             learning_rate=0.1)
    np.testing.assert_allclose(bias.numpy(), expected[0], rtol=1e-6)


def test_empty_gradient_list_is_a_no_op():
    optimizer = optimizers.Adam()
    optimizer.apply_gradients([])
    optimizer.apply([], [])
    assert int(optimizer.iterations) == 0


@pytest.mark.parametrize("clip", [{"clipnorm": 0.7}, {"global_clipnorm": 1.3}, {"clipvalue": 0.5}])
def test_clipping_float64_keeps_float64_precision(clip):
    # learning_rate=0.5 is exact in the float32 learning-rate Variable, so float64 results can be exact.
    values = initial_values("float64")
    grads = [[g * 3 for g in s] for s in gradient_steps(3, dtype="float64")]
    variables = make_variables(values)
    optimizer = optimizers.SGD(learning_rate=0.5, **clip)
    for step_grads in grads:
        optimizer.apply(as_tensors(step_grads), variables)
    expected = reference.run("sgd", values, grads, learning_rate=0.5, **clip)
    for actual, want in zip(values_of(variables), expected):
        np.testing.assert_allclose(actual, want, rtol=1e-13, atol=1e-13)


def test_ema_covers_variables_without_a_gradient():
    # Keras averages every variable the optimizer was built for, whether or not it got a gradient.
    values = initial_values()
    grads = gradient_steps(6)
    grads[2][1] = None  # the bias moved on the first two steps, so its average lags behind it here
    grads[3][1] = None
    variables = make_variables(values)
    optimizer = optimizers.Adam(learning_rate=0.05, use_ema=True, ema_momentum=0.6, ema_overwrite_frequency=5)
    ref = reference.Reference("adam", learning_rate=0.05, use_ema=True, ema_momentum=0.6, ema_overwrite_frequency=5)
    params = values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for step_grads in grads:
            optimizer.apply(as_tensors(step_grads), variables)
            params = ref.step(params, step_grads)
    for actual, want in zip(values_of(variables), params):
        np.testing.assert_allclose(actual, want, **TOL)
    averages = {v.name: v.numpy() for v in optimizer.variables if v.name.endswith("_average")}
    np.testing.assert_allclose(averages["kernel_average"], ref.averages[0], **TOL)
    np.testing.assert_allclose(averages["bias_average"], ref.averages[1], **TOL)
