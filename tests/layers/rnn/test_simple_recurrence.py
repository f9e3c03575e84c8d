"""The hand-written SimpleRNN recurrence of the CPU path (`layers/rnn/_simple_recurrence.py`): its
outputs against a NumPy float64 loop, its backward against torch's numerical gradients."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layers.rnn import kernel_checks
from tests.layers.rnn import reference as ref
from tkeras.layers.rnn import _fused, _simple_recurrence

ACTIVATIONS = {"rnn_tanh": np.tanh, "rnn_relu": lambda v: np.maximum(v, 0)}


def _inputs(batch, steps, features, units, dtype, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, steps, features, generator=g, dtype=dtype)
    h0 = torch.randn(batch, units, generator=g, dtype=dtype) * 0.5
    kernel = torch.randn(features, units, generator=g, dtype=dtype) * 0.5
    recurrent = torch.randn(units, units, generator=g, dtype=dtype) * 0.3
    bias = torch.randn(units, generator=g, dtype=dtype) * 0.2
    return x, h0, kernel, recurrent, bias


@pytest.mark.parametrize("mode", sorted(ACTIVATIONS))
@pytest.mark.parametrize("batch", [1, 4])
def test_outputs_match_a_numpy_loop(mode, batch):
    x, h0, kernel, recurrent, bias = _inputs(batch, 7, 3, 5, torch.float32)
    outputs, last = _simple_recurrence.run(mode, x, h0, [kernel.t(), recurrent.t(), bias, torch.zeros(5)])
    step = lambda xt, states, *w: ref.simple_rnn_step(xt, states, *w, activation=ACTIVATIONS[mode])  # noqa: E731
    expected_last, expected, _ = ref.run_sequence(
        lambda xt, states: step(xt, states, kernel.double().numpy(), recurrent.double().numpy(),
                                bias.double().numpy()),
        x.double().numpy(), [h0.double().numpy()])
    np.testing.assert_allclose(outputs.numpy(), expected, atol=2e-6)
    np.testing.assert_allclose(last.numpy(), expected_last, atol=2e-6)


@pytest.mark.parametrize("mode", sorted(ACTIVATIONS))
@pytest.mark.parametrize("batch", [1, 3])
def test_backward_matches_numerical_gradients(mode, batch):
    x, h0, kernel, recurrent, bias = _inputs(batch, 6, 3, 4, torch.float64, seed=1)
    second_bias = torch.randn(4, dtype=torch.float64) * 0.1
    leaves = [t.requires_grad_() for t in (x, h0, kernel, recurrent, bias, second_bias)]

    def outputs_of(x, h0, kernel, recurrent, bias, second_bias):
        return _simple_recurrence.run(mode, x, h0, [kernel.t(), recurrent.t(), bias, second_bias])[0]

    assert torch.autograd.gradcheck(outputs_of, leaves)


def test_only_the_last_output_used():
    """The common Keras case (return_sequences=False): a gradient on the final state alone."""
    x, h0, kernel, recurrent, bias = [t.requires_grad_() for t in _inputs(2, 5, 3, 4, torch.float64, seed=2)]
    assert torch.autograd.gradcheck(
        lambda *a: _simple_recurrence.run("rnn_tanh", a[0], a[1], [a[2].t(), a[3].t()])[1],
        [x, h0, kernel, recurrent])


def test_layer_takes_this_path_and_agrees_with_the_per_step_loop():
    """The layer's fused path on the CPU is this recurrence (torch's rnn_tanh is not called), and
    its gradients equal those of the per-step reference loop, also with an initial state."""
    layer = keras.layers.SimpleRNN(4)
    x = torch.randn(3, 6, 5, requires_grad=True)
    h0 = torch.randn(3, 4, requires_grad=True)
    results = []
    for fallback in (False, True):
        layer._force_fallback = fallback
        for t in layer.weights + [x, h0]:
            t.grad = None
        out = layer(x, initial_state=[h0], training=True)
        out.square().sum().backward()
        results.append([out.detach()] + [t.grad.clone() for t in layer.weights + [x, h0]])
    for fused, loop in zip(*results):
        torch.testing.assert_close(fused, loop, atol=1e-5, rtol=1e-4)
    original = torch._VF.rnn_tanh
    try:
        torch._VF.rnn_tanh = None  # would fail if called
        layer._force_fallback = False
        layer(x)
    finally:
        torch._VF.rnn_tanh = original


def test_other_cases_are_left_to_torch():
    x = torch.randn(2, 3, 4)
    weights = [torch.randn(5, 4), torch.nn.Parameter(torch.randn(5, 5))]
    assert _simple_recurrence.handles("rnn_tanh", x, weights, None)
    assert not _simple_recurrence.handles("rnn_tanh", x, weights, torch.tensor([2, 2, 1]))  # packed
    assert not _simple_recurrence.handles("rnn_tanh", x.half(), weights, None)
    assert not _simple_recurrence.handles("lstm", x, weights, None)

    class Dispatching(torch.Tensor):  # stands for DTensor: a subclass with its own dispatch
        @classmethod
        def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
            return func(*args, **(kwargs or {}))

    assert not _simple_recurrence.handles("rnn_tanh", x, [weights[0].as_subclass(Dispatching)], None)


def test_forward_mode_jvp_goes_through_torch_kernel():
    """torch.func.jvp (ops.jvp) through a SimpleRNN: the kernel call stays torch's, which has
    forward-mode derivatives; the tangent matches a finite difference."""
    layer = keras.layers.SimpleRNN(3)
    x = torch.randn(2, 4, 5, dtype=torch.float32)
    layer(x)
    direction = torch.randn_like(x)
    _, tangent = torch.func.jvp(lambda v: layer(v), (x,), (direction,))
    eps = 1e-3
    numeric = (layer(x + eps * direction) - layer(x - eps * direction)) / (2 * eps)
    torch.testing.assert_close(tangent, numeric.detach(), atol=1e-3, rtol=1e-2)


@pytest.mark.parametrize("mode", sorted(ACTIVATIONS))
def test_second_derivatives_pass_through(mode):
    """With create_graph=True (nested GradientTapes) the backward is torch's recorded one."""
    x, h0, kernel, recurrent, bias = _inputs(2, 4, 3, 3, torch.float64, seed=3)
    leaves = [t.requires_grad_() for t in (x, h0, kernel, recurrent, bias)]

    def outputs_of(x, h0, kernel, recurrent, bias):
        zeros = torch.zeros(3, dtype=bias.dtype)
        return _simple_recurrence.run(mode, x, h0, [kernel.t(), recurrent.t(), bias, zeros])

    assert torch.autograd.gradgradcheck(outputs_of, leaves)


def test_mixed_bfloat16_training_runs_torch_kernel():
    """Under a mixed policy fit's autocast region, the layer keeps torch's kernel (bfloat16 products)."""
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = keras.Sequential([keras.Input((6,)), keras.layers.Embedding(20, 4), keras.layers.SimpleRNN(3),
                                  keras.layers.Dense(1, activation="sigmoid", dtype="float32")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy")
        x = np.random.default_rng(0).integers(0, 20, size=(16, 6))
        y = np.random.default_rng(1).integers(0, 2, size=(16,)).astype("float32")
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        assert np.isfinite(history.history["loss"]).all()
    finally:
        keras.mixed_precision.set_global_policy("float32")
    x = torch.randn(2, 3, 4)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert not _simple_recurrence.handles("rnn_tanh", x, [], None)


@pytest.mark.parametrize("mode", sorted(ACTIVATIONS))
def test_both_directions_match_torch_bidirectional_kernel(mode):
    """A Bidirectional SimpleRNN's kernel call: outputs, final states and gradients equal torch's
    bidirectional kernel's (float64)."""
    torch_kernel = torch._VF.rnn_tanh if mode == "rnn_tanh" else torch._VF.rnn_relu
    kernel_checks.assert_bidirectional_call_matches_torch(mode, torch_kernel, gates=1)


@pytest.mark.parametrize("padding", ["post", "pre"])
def test_padded_batches_run_the_recurrence_and_ignore_what_padding_holds(padding, monkeypatch):
    """Right- and left-padded rows (mask from lengths) go through the recurrence; each row's result
    is that of its unpadded sequence, whatever values (here NaN) the padded steps hold."""
    calls = []
    padded = _fused._padded_recurrence
    monkeypatch.setattr(_fused, "_padded_recurrence", lambda *a: calls.append(1) or padded(*a))
    layer = keras.layers.SimpleRNN(4, return_sequences=True)
    lengths, steps = [5, 2, 3], 5
    x = torch.randn(3, steps, 2, requires_grad=True)
    mask = torch.zeros(3, steps, dtype=torch.bool)
    for row, n in enumerate(lengths):
        mask[row, :n] = True
    if padding == "pre":
        mask = mask.flip(1)
    holes = torch.where(mask[..., None], torch.zeros(()), torch.full((), float("nan")))
    out = layer(x + holes, mask=mask, training=True)
    assert calls == [1]
    out.sum().backward()
    assert torch.isfinite(x.grad).all() and torch.isfinite(layer.cell.recurrent_kernel.grad).all()
    for row, n in enumerate(lengths):
        alone = x[row:row + 1, :n] if padding == "post" else x[row:row + 1, steps - n:]
        expected = layer(alone)[0].detach()
        got = out[row, :n] if padding == "post" else out[row, steps - n:]
        torch.testing.assert_close(got.detach(), expected, atol=1e-5, rtol=1e-5)
