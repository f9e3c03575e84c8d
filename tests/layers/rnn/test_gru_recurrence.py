"""The hand-written GRU recurrence of the CPU training path (`layers/rnn/_gru_recurrence.py`): outputs
and gradients against torch's GRU kernel and a NumPy loop in float64, numerical gradients, and the
layer cases (go_backwards, initial and carried states, Bidirectional) against the per-step loop."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layers.rnn import kernel_checks
from tests.layers.rnn import reference as ref
from tkeras.layers.rnn import _fused, _gru_recurrence


def _inputs(batch, steps, features, units, seed=0, bias=True):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, steps, features, generator=g, dtype=torch.float64)
    h0 = torch.randn(batch, units, generator=g, dtype=torch.float64) * 0.5
    shapes = [(3 * units, features), (3 * units, units)] + ([(3 * units,), (3 * units,)] if bias else [])
    weights = [torch.randn(s, generator=g, dtype=torch.float64) * 0.4 for s in shapes]
    return x, h0, weights


def _torch_gru(x, h0, weights):
    out, last = torch._VF.gru(x, h0.unsqueeze(0), weights, len(weights) == 4, 1, 0.0, True, False, True)
    return out, last[0]


@pytest.mark.parametrize("last_only", [False, True])  # True: return_sequences=False, no sequence gradient
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch", [1, 4])
def test_outputs_and_gradients_equal_torch_kernel(bias, batch, last_only):
    x, h0, weights = _inputs(batch, 7, 3, 5, bias=bias)
    leaves = [t.requires_grad_() for t in [x, h0] + weights]
    results = []
    for fn in (_gru_recurrence.run, _torch_gru):
        for t in leaves:
            t.grad = None
        out, last = fn(leaves[0], leaves[1], leaves[2:])
        loss = (last * torch.arange(5.0, dtype=last.dtype)).sum()
        (loss if last_only else out.square().sum() + loss).backward()
        results.append([out.detach(), last.detach()] + [t.grad.clone() for t in leaves])
    for ours, theirs in zip(*results):
        torch.testing.assert_close(ours, theirs, atol=1e-12, rtol=1e-10)


def test_outputs_match_a_numpy_loop_in_keras_layout():
    x, h0, weights = _inputs(3, 6, 4, 5, seed=1)
    out, last = _gru_recurrence.run(x.requires_grad_(), h0, weights)
    # torch (r, z, n) rows back to Keras' (z, r, h) columns
    order = lambda w: torch.cat([w[5:10], w[0:5], w[10:]]).numpy()  # noqa: E731
    kernel, recurrent = order(weights[0]).T, order(weights[1]).T
    bias = np.stack([order(weights[2]), order(weights[3])])
    expected_last, expected, _ = ref.run_sequence(
        lambda xt, s: ref.gru_step(xt, s, kernel, recurrent, bias, reset_after=True), x.detach().numpy(),
        [h0.numpy()])
    np.testing.assert_allclose(out.detach().numpy(), expected, atol=1e-12)
    np.testing.assert_allclose(last.detach().numpy(), expected_last, atol=1e-12)


def test_first_and_second_derivatives_numerically():
    x, h0, weights = _inputs(2, 4, 3, 3, seed=2)
    leaves = [t.requires_grad_() for t in [x, h0] + weights]
    run = lambda *a: _gru_recurrence.run(a[0], a[1], list(a[2:]))  # noqa: E731
    assert torch.autograd.gradcheck(run, leaves)
    assert torch.autograd.gradgradcheck(run, leaves)
    last_only = lambda *a: _gru_recurrence.run(a[0], a[1], list(a[2:]))[1]  # noqa: E731
    assert torch.autograd.gradcheck(last_only, leaves)


def test_both_directions_match_torch_bidirectional_kernel():
    kernel_checks.assert_bidirectional_call_matches_torch("gru", torch._VF.gru, gates=3)


def _fused_and_loop(layer, x, call, weights):
    """Outputs and gradients (of x and `weights`) of `call(layer, x)` on the fused path and on the
    per-step loop; the fused training call must not reach torch's GRU kernel."""
    results = []
    original = torch._VF.gru
    for fallback in (False, True):
        layer._force_fallback = fallback
        for t in weights + [x]:
            t.grad = None
        try:
            if not fallback:
                torch._VF.gru = None  # would fail if called
            out = call(layer, x)
        finally:
            torch._VF.gru = original
        outputs = out if isinstance(out, (list, tuple)) else [out]
        sum(o.square().sum() for o in outputs).backward()
        results.append([o.detach() for o in outputs] + [t.grad.clone() for t in weights + [x]])
    layer._force_fallback = False
    return results


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("with_initial_state", [False, True])
def test_layer_training_runs_the_recurrence_and_agrees_with_the_loop(return_sequences, go_backwards,
                                                                     with_initial_state):
    layer = keras.layers.GRU(4, return_sequences=return_sequences, go_backwards=go_backwards, return_state=True)
    x = torch.randn(3, 6, 5, requires_grad=True)
    h0 = torch.randn(3, 4, requires_grad=True)
    layer(x)
    extra = [h0] if with_initial_state else []
    call = lambda layer, x: layer(x, initial_state=extra or None, training=True)  # noqa: E731
    fused, loop = _fused_and_loop(layer, x, call, list(layer.weights) + extra)
    for a, b in zip(fused, loop):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


def test_stateful_layer_carries_states_across_calls():
    x = torch.randn(2, 4, 3)
    fused, loop = keras.layers.GRU(3, stateful=True), keras.layers.GRU(3, stateful=True)
    fused(x), loop(x)
    loop.set_weights(fused.get_weights())
    fused.reset_states(), loop.reset_states()
    loop._force_fallback = True
    outputs = []
    for _ in range(3):
        a, b = fused(x, training=True), loop(x, training=True)
        torch.testing.assert_close(a.detach(), b.detach(), atol=1e-5, rtol=1e-4)
        outputs.append(a.detach())
    assert not torch.allclose(outputs[0], outputs[1])  # the second call started from the first's states


def test_bidirectional_layer_training_agrees_with_the_loop():
    layer = keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True))
    x = torch.randn(2, 5, 3, requires_grad=True)
    layer(x)
    results = []
    for fallback in (False, True):
        layer.forward_layer._force_fallback = layer.backward_layer._force_fallback = fallback
        for t in list(layer.weights) + [x]:
            t.grad = None
        out = layer(x, training=True)
        out.square().sum().backward()
        results.append([out.detach(), x.grad.clone()] + [w.grad.clone() for w in layer.weights])
    for a, b in zip(*results):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


def test_predict_and_other_cases_keep_torch_kernel(monkeypatch):
    """Forward-only calls (predict, no gradient) are as fast in torch's kernel: the recurrence is for
    training. Packed, half-precision and LSTM calls are not its."""
    layer = keras.layers.GRU(3)
    x = torch.randn(2, 4, 5)
    layer(x)
    monkeypatch.setattr(_gru_recurrence, "run", None)  # would fail if called
    with torch.no_grad():
        layer(x, training=True)
    weights = [torch.randn(9, 5), torch.randn(9, 3)]
    assert _gru_recurrence.handles("gru", x, weights, None)
    assert not _gru_recurrence.handles("gru", x, weights, torch.tensor([2, 2, 1]))
    assert not _gru_recurrence.handles("gru", x.half(), weights, None)
    assert not _gru_recurrence.handles("lstm", x, weights, None)
    assert _fused._own_recurrence("gru", x, weights, None) is None  # nothing requires a gradient
