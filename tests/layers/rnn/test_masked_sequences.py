"""Masked (padded) batches: Keras' rules for masked steps, on the fused path and on the loop.

Right padding runs packed, left padding (pad_sequences' default) runs rotated and packed, a mask with
holes runs the loop; all three must give what Keras gives (the NumPy loop in reference.py), and the
last output of a padded row must be that of its unpadded sequence alone."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layers.rnn import reference as ref

L = keras.layers
LENGTHS = [6, 3, 1, 5]
STEPS = 6


def _mask(kind):
    mask = np.zeros((len(LENGTHS), STEPS), dtype=bool)
    for row, n in enumerate(LENGTHS):
        if kind == "right":
            mask[row, :n] = True
        elif kind == "left":
            mask[row, STEPS - n:] = True
        else:  # holes: not expressible as lengths
            mask[row] = np.arange(STEPS) % 2 == row % 2
            mask[row, 0] = True
    return mask


def _cases():
    return {
        "lstm": (lambda **kw: L.LSTM(3, **kw), lambda w: lambda x, s: ref.lstm_step(x, s, *w)),
        "gru": (lambda **kw: L.GRU(3, **kw), lambda w: lambda x, s: ref.gru_step(x, s, *w)),
        "gru_reset_before": (lambda **kw: L.GRU(3, reset_after=False, **kw),
                             lambda w: lambda x, s: ref.gru_step(x, s, *w, reset_after=False)),
        "simple_rnn": (lambda **kw: L.SimpleRNN(3, **kw), lambda w: lambda x, s: ref.simple_rnn_step(x, s, *w)),
    }


def _build(make, **kwargs):
    layer = make(**kwargs)
    layer.build((None, STEPS, 2))
    layer.set_weights(ref.random_weights(np.random.default_rng(0), [w.shape for w in layer.get_weights()], 0.8))
    return layer


def _data():
    return np.random.default_rng(1).standard_normal((len(LENGTHS), STEPS, 2)).astype("float32")


@pytest.mark.parametrize("kind", ["right", "left", "holes"])
@pytest.mark.parametrize("name", ["lstm", "gru", "gru_reset_before", "simple_rnn"])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("zero_output_for_mask", [False, True])
def test_masked_steps_follow_keras(kind, name, go_backwards, zero_output_for_mask):
    make, step = _cases()[name]
    layer = _build(make, return_sequences=True, return_state=True, go_backwards=go_backwards,
                   zero_output_for_mask=zero_output_for_mask)
    x, mask = _data(), _mask(kind)
    states0 = [np.zeros((len(LENGTHS), 3))] * len(layer.state_size)
    _, expected_seq, expected_states = ref.run_sequence(step(layer.get_weights()), x, states0, mask,
                                                        go_backwards, zero_output_for_mask)
    for fallback in (False, True):
        layer._force_fallback = fallback
        result = layer(torch.from_numpy(x), mask=torch.from_numpy(mask))
        np.testing.assert_allclose(result[0].detach().numpy(), expected_seq, atol=1e-5)
        for got, want in zip(result[1:], expected_states):
            np.testing.assert_allclose(got.detach().numpy(), want, atol=1e-5)


@pytest.mark.parametrize("kind", ["right", "left"])
@pytest.mark.parametrize("name", ["lstm", "gru", "simple_rnn"])
def test_last_output_is_that_of_the_unpadded_sequence(kind, name):
    make, _ = _cases()[name]
    layer = _build(make)
    x, mask = _data(), _mask(kind)
    out = layer(torch.from_numpy(x), mask=torch.from_numpy(mask)).detach().numpy()
    for row in range(len(LENGTHS)):
        alone = layer(x[row:row + 1][:, mask[row]]).detach().numpy()
        np.testing.assert_allclose(out[row], alone[0], atol=1e-5)


@pytest.mark.parametrize("kind", ["right", "left"])
@pytest.mark.parametrize("name", ["lstm", "gru", "simple_rnn"])
def test_fused_gradients_equal_the_loop(kind, name):
    make, _ = _cases()[name]
    layer = _build(make, return_sequences=True)
    x, mask = torch.from_numpy(_data()).requires_grad_(), torch.from_numpy(_mask(kind))
    grads = []
    for fallback in (False, True):
        layer._force_fallback = fallback
        for w in layer.weights:
            w.grad = None
        x.grad = None
        (layer(x, mask=mask, training=True) * torch.linspace(-1, 1, 3)).sum().backward()
        grads.append([w.grad.clone() for w in layer.weights] + [x.grad.clone()])
    for fused, loop in zip(*grads):
        torch.testing.assert_close(fused, loop, atol=1e-5, rtol=1e-4)


def test_an_all_masked_row_keeps_initial_state_and_outputs_zeros():
    layer = _build(lambda **kw: L.LSTM(3, **kw), return_sequences=True)
    x = _data()
    mask = np.ones((len(LENGTHS), STEPS), bool)
    mask[2] = False
    out = layer(torch.from_numpy(x), mask=torch.from_numpy(mask)).detach().numpy()
    np.testing.assert_array_equal(out[2], 0)
    np.testing.assert_allclose(out[0], layer(x[:1]).detach().numpy()[0], atol=1e-5)


def test_embedding_mask_zero_reaches_the_rnn_in_a_model():
    ids = np.array([[0, 0, 3, 4, 5], [1, 2, 0, 0, 0]])
    model = keras.Sequential([L.Embedding(10, 4, mask_zero=True), L.LSTM(3)])
    out = model(ids).detach().numpy()
    embedding, lstm = model.layers
    np.testing.assert_allclose(out[0], lstm(embedding(ids[:1, 2:])).detach().numpy()[0], atol=1e-5)
    np.testing.assert_allclose(out[1], lstm(embedding(ids[1:, :2])).detach().numpy()[0], atol=1e-5)


def test_output_mask_follows_return_sequences():
    x = np.array([[1, 2, 0], [3, 0, 0]])
    embedded = L.Embedding(5, 2, mask_zero=True)(x)
    sequences = L.GRU(2, return_sequences=True)(embedded)
    np.testing.assert_array_equal(sequences._keras_mask.numpy(), x != 0)
    assert getattr(L.GRU(2)(embedded), "_keras_mask", None) is None


@pytest.mark.parametrize("kind,packed", [("right", True), ("left", True), ("holes", False), (None, False)])
def test_padding_masks_take_the_fused_kernel(kind, packed, monkeypatch):
    from tkeras.layers.rnn import _fused
    calls = {"kernel": 0, "packed": 0}
    kernel, packed_call = _fused._kernel_call, _fused._packed_call

    def count_kernel(*args, **kwargs):
        calls["kernel"] += 1
        return kernel(*args, **kwargs)

    def count_packed(*args, **kwargs):
        calls["packed"] += 1
        return packed_call(*args, **kwargs)

    monkeypatch.setattr(_fused, "_kernel_call", count_kernel)
    monkeypatch.setattr(_fused, "_packed_call", count_packed)
    layer = _build(lambda **kw: L.LSTM(3, **kw), return_sequences=True)
    mask = None if kind is None else torch.from_numpy(_mask(kind))
    layer(torch.from_numpy(_data()), mask=mask)
    assert calls["packed"] == int(packed)
    assert calls["kernel"] == (0 if kind == "holes" else 1)
