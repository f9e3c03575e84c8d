"""GradientTape against closed-form derivatives, and TensorFlow's contract for misuse."""
import numpy as np
import pytest
import torch

from tkeras.backend.eager_tensor import EagerTensor
from tkeras.backend.gradient_tape import GradientTape
from tkeras.compat.tf_namespace import Variable
from tkeras import ops


def test_square_of_a_variable_at_three_is_six():
    x = Variable(3.0)
    with GradientTape() as tape:
        y = ops.square(x)
    grad = tape.gradient(y, x)
    assert isinstance(grad, EagerTensor)
    assert float(grad) == 6.0
    assert str(grad) == "tf.Tensor(6.0, shape=(), dtype=float32)"


def test_list_and_nested_sources_match_the_closed_form():
    rng = np.random.default_rng(1)
    xs = rng.normal(size=(5, 3)).astype("float32")
    w0 = rng.normal(size=(3, 2)).astype("float32")
    W, b = Variable(w0), Variable(np.zeros(2, "float32"))
    with GradientTape() as tape:
        loss = ops.mean(ops.square(ops.matmul(xs, W) + b))
    grad_w, grad_b = tape.gradient(loss, [W, b])
    residual = xs @ w0  # b = 0
    n = residual.size
    np.testing.assert_allclose(grad_w.numpy(), xs.T @ (2 * residual / n), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad_b.numpy(), (2 * residual / n).sum(0), rtol=1e-5, atol=1e-6)
    with GradientTape() as tape:
        loss = ops.sum(ops.matmul(xs, W)) + ops.sum(b)
    nested = tape.gradient(loss, {"w": W, "pair": (b, W)})
    np.testing.assert_allclose(nested["pair"][0].numpy(), np.ones(2), rtol=1e-6)
    np.testing.assert_allclose(nested["w"].numpy(), np.repeat(xs.sum(0)[:, None], 2, 1), rtol=1e-5)


def test_watched_constant_and_unconnected_source():
    x = ops.constant([1.0, 2.0, 3.0])
    other = Variable(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.exp(x))
    gx, g_other = tape.gradient(y, [x, other])
    np.testing.assert_allclose(gx.numpy(), np.exp([1.0, 2.0, 3.0]), rtol=1e-6)
    assert g_other is None


def test_unwatched_constant_has_no_gradient_and_zero_option():
    x = ops.constant([1.0, 2.0])
    with GradientTape(persistent=True) as tape:
        y = ops.sum(x * 2)
    assert tape.gradient(y, x) is None
    np.testing.assert_array_equal(tape.gradient(y, x, unconnected_gradients="zero").numpy(), [0.0, 0.0])


def test_non_scalar_target_gives_the_gradient_of_its_sum():
    x = Variable([1.0, 2.0, 3.0])
    with GradientTape(persistent=True) as tape:
        y = x * x  # non-scalar
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])
    weights = np.array([1.0, 0.0, -1.0], "float32")
    np.testing.assert_allclose(tape.gradient(y, x, output_gradients=weights).numpy(), [2.0, 0.0, -6.0])


def test_persistent_tape_answers_twice_non_persistent_once():
    x = Variable(2.0)
    with GradientTape(persistent=True) as tape:
        y = x ** 3
        z = x ** 2
    assert float(tape.gradient(y, x)) == pytest.approx(12.0)
    assert float(tape.gradient(z, x)) == pytest.approx(4.0)
    with GradientTape() as tape:
        y = x ** 3
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        tape.gradient(y, x)


def test_nested_tapes_give_second_derivatives():
    x = Variable(1.5)
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = x ** 3
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert float(dy) == pytest.approx(3 * 1.5 ** 2)
    assert float(d2y) == pytest.approx(6 * 1.5)


def test_watch_accessed_variables_false_only_sees_watched():
    a, b = Variable(2.0), Variable(3.0)
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 3.0 and gb is None


def test_bad_sources_and_watch_arguments_fail_clearly():
    x = Variable(1.0)
    with GradientTape() as tape:
        y = x * 2
        with pytest.raises(ValueError, match="expected a tensor or Variable"):
            tape.watch(3.0)
    with pytest.raises(TypeError, match="source 1 is float"):
        tape.gradient(y, [x, 3.0])


def test_tape_records_even_under_no_grad():
    x = Variable(2.0)
    with torch.no_grad():
        with GradientTape() as tape:
            y = x * x
        assert float(tape.gradient(y, x)) == 4.0


def test_jacobian_matches_closed_form():
    x = Variable([1.0, 2.0])
    with GradientTape() as tape:
        y = ops.stack([x[0] * x[1], x[0] + 3 * x[1]])
    jac = tape.jacobian(y, x)
    np.testing.assert_allclose(jac.numpy(), [[2.0, 1.0], [1.0, 3.0]])


def test_layer_weights_train_with_a_tape():
    from tkeras.layers import Dense
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    layer = Dense(1)
    first = None
    for _ in range(100):
        with GradientTape() as tape:
            loss = ops.mean(ops.square(layer(x) - y))
        grads = tape.gradient(loss, layer.trainable_weights)
        for w, g in zip(layer.trainable_weights, grads):
            w.assign_sub(g * 0.1)
        first = float(loss) if first is None else first
    assert float(loss) < first * 0.01


def test_output_gradients_must_match_the_targets():
    x = Variable([1.0, 2.0, 3.0])
    with GradientTape(persistent=True) as tape:
        y = x * x
    with pytest.raises(ValueError, match=r"output_gradients\[0\] has shape \(2,\) but its target has shape \(3,\)"):
        tape.gradient(y, x, output_gradients=np.ones(2, "float32"))
    with pytest.raises(ValueError, match="output_gradients has 1 entries but there are 2 targets"):
        tape.gradient([y, y], x, output_gradients=[np.ones(3, "float32")])
    both = tape.gradient([y, 2 * y], x, output_gradients=[np.ones(3, "float32"), np.full(3, 0.5, "float32")])
    np.testing.assert_allclose(both.numpy(), 2 * 2 * np.array([1.0, 2.0, 3.0]))  # (1 + 2*0.5) * 2x


def test_a_missing_target_is_named():
    x = Variable(1.0)
    with GradientTape() as tape:
        x * 2  # the loss was computed but not kept
    with pytest.raises(TypeError, match="the target is None"):
        tape.gradient(None, x)


def test_a_constant_watched_by_one_tape_is_not_a_source_for_another():
    """TensorFlow: each tape differentiates only the constants it watched itself."""
    c = ops.constant(3.0)
    assert c.shape == ()
    with GradientTape() as first:
        first.watch(c)
        y = c * c
    assert float(first.gradient(y, c)) == 6.0
    with GradientTape() as second:
        z = c * c
    assert second.gradient(z, c) is None


def test_optimizer_apply_gradients_with_a_real_optimizer():
    from tkeras.layers import Dense
    from tkeras.optimizers import SGD
    x = np.array([[1.0, 2.0], [3.0, -1.0]], "float32")
    layer = Dense(1, kernel_initializer="ones", bias_initializer="zeros")
    layer(x)
    with GradientTape() as tape:
        loss = ops.mean(ops.square(layer(x)))
    grads = tape.gradient(loss, layer.trainable_weights)
    SGD(learning_rate=0.1).apply_gradients(zip(grads, layer.trainable_weights))
    pred = x.sum(1, keepdims=True)  # kernel of ones: [[3], [2]]
    grad_kernel = x.T @ (2 * pred / 2)
    grad_bias = (2 * pred / 2).sum(0)
    np.testing.assert_allclose(layer.kernel.numpy(), 1.0 - 0.1 * grad_kernel, rtol=1e-6)
    np.testing.assert_allclose(layer.bias.numpy(), -0.1 * grad_bias, rtol=1e-6)


def test_seed_004_linear_classifier_reaches_90_percent_in_40_steps():
    rng = np.random.default_rng(0)
    cov = [[1, 0.5], [0.5, 1]]
    inputs = np.vstack([rng.multivariate_normal([0, 3], cov, 1000),
                        rng.multivariate_normal([3, 0], cov, 1000)]).astype("float32")
    targets = np.vstack([np.zeros((1000, 1)), np.ones((1000, 1))]).astype("float32")
    W = Variable(ops.random.uniform((2, 1)))
    b = Variable(ops.zeros((1,)))
    for _ in range(40):
        with GradientTape() as tape:
            loss = ops.mean(ops.square(targets - (ops.matmul(inputs, W) + b)))
        grad_w, grad_b = tape.gradient(loss, [W, b])
        W.assign_sub(grad_w * 0.1)
        b.assign_sub(grad_b * 0.1)
    predictions = ops.matmul(inputs, W) + b
    assert f"{loss:.4f}" == f"{float(loss):.4f}" and float(loss) < 0.1
    assert np.mean((np.asarray(predictions) > 0.5) == (targets > 0.5)) > 0.9


def test_gradients_are_freed_when_dropped_without_the_cycle_collector():
    """A custom training loop's gradients go when the loop drops them, not at the next gc run: nothing
    tape.gradient builds may hold them in a reference cycle."""
    import gc
    import weakref
    from collections import namedtuple
    Pair = namedtuple("Pair", "w b")
    W, b = Variable(np.ones((3, 2), "float32")), Variable(np.zeros(2, "float32"))
    gc.disable()
    try:
        for sources in ([W, b], {"w": W, "pair": Pair(W, b)}, W):
            with GradientTape() as tape:
                loss = ops.sum(ops.matmul(np.ones((4, 3), "float32"), W) + b)
            grads = tape.gradient(loss, sources)
            refs = [weakref.ref(g) for g in (grads if isinstance(grads, list) else
                                             [grads] if not isinstance(grads, dict) else [grads["w"], *grads["pair"]])]
            if isinstance(grads, dict):
                assert isinstance(grads["pair"], Pair)
            del grads
            assert [r() for r in refs] == [None] * len(refs)
    finally:
        gc.enable()
