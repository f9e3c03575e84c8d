import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layer_testing import run_layer_test
from tests.layers.rnn import reference as ref

L = keras.layers


def _randomize(layer, input_dim, seed=0):
    layer.build((None, None, input_dim))
    layer.set_weights(ref.random_weights(np.random.default_rng(seed), [w.shape for w in layer.get_weights()]))
    return layer


def test_harness_and_keras_weight_order():
    layer, _ = run_layer_test(L.Bidirectional, {"layer": L.LSTM(3, return_sequences=True)}, input_shape=(2, 5, 4),
                              expected_output_shape=(2, 5, 6), expected_num_trainable_weights=6)
    assert layer.forward_layer.name.startswith("forward_lstm") and layer.backward_layer.name.startswith("backward_lstm")
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards
    forward, backward = layer.forward_layer.weights, layer.backward_layer.weights
    assert [id(w) for w in layer.weights] == [id(w) for w in forward + backward]


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_merge_modes_against_numpy(merge_mode, return_sequences):
    x = np.random.default_rng(1).standard_normal((2, 5, 4)).astype("float32")
    layer = _randomize(L.Bidirectional(L.LSTM(3, return_sequences=return_sequences), merge_mode=merge_mode), 4)
    weights = layer.get_weights()
    zeros = [np.zeros((2, 3))] * 2
    last_f, seq_f, _ = ref.run_sequence(lambda xt, s: ref.lstm_step(xt, s, *weights[:3]), x, zeros)
    last_b, seq_b, _ = ref.run_sequence(lambda xt, s: ref.lstm_step(xt, s, *weights[3:]), x, zeros, go_backwards=True)
    y, y_rev = (seq_f, seq_b[:, ::-1]) if return_sequences else (last_f, last_b)
    expected = {"concat": np.concatenate([y, y_rev], -1), "sum": y + y_rev, "mul": y * y_rev,
                "ave": (y + y_rev) / 2, None: [y, y_rev]}[merge_mode]
    out = layer(x)
    out = [o.detach().numpy() for o in out] if isinstance(out, list) else out.detach().numpy()
    if merge_mode is None:
        for got, want in zip(out, expected):
            np.testing.assert_allclose(got, want, atol=1e-5)
    else:
        np.testing.assert_allclose(out, expected, atol=1e-5)
    shape = layer.compute_output_shape((None, 5, 4))
    shapes = shape if isinstance(shape, list) else [shape]
    assert [s[1:] for s in shapes] == [o.shape[1:] for o in (out if isinstance(out, list) else [out])]


@pytest.mark.parametrize("kind", [None, "right", "left", "holes"])
@pytest.mark.parametrize("name", ["lstm", "gru", "simple_rnn"])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_fused_pair_equals_two_looping_layers(kind, name, return_sequences):
    """One bidirectional kernel call vs the forward and backward layers stepping one by one."""
    make = {"lstm": L.LSTM, "gru": L.GRU, "simple_rnn": L.SimpleRNN}[name]
    layer = _randomize(L.Bidirectional(make(3, return_sequences=return_sequences, return_state=True)), 2)
    x = torch.from_numpy(np.random.default_rng(2).standard_normal((3, 6, 2)).astype("float32")).requires_grad_()
    lengths = [6, 2, 4]
    mask = None
    if kind is not None:
        mask = torch.zeros(3, 6, dtype=torch.bool)
        for row, n in enumerate(lengths):
            if kind == "right":
                mask[row, :n] = True
            elif kind == "left":
                mask[row, 6 - n:] = True
            else:
                mask[row, ::2] = True
                mask[row, 5] = row == 1
    results = []
    for fallback in (False, True):
        layer.forward_layer._force_fallback = layer.backward_layer._force_fallback = fallback
        for w in layer.weights:
            w.grad = None
        x.grad = None
        outputs = layer(x, mask=mask, training=True)
        sum(o.square().sum() for o in outputs).backward()
        results.append([o.detach() for o in outputs] + [w.grad.clone() for w in layer.weights] + [x.grad.clone()])
    for fused, loop in zip(*results):
        torch.testing.assert_close(fused, loop, atol=1e-5, rtol=1e-4)


def test_return_state_gives_forward_then_backward_states_and_initial_state_splits():
    x = np.random.default_rng(3).standard_normal((2, 4, 3)).astype("float32")
    layer = _randomize(L.Bidirectional(L.GRU(2, return_state=True)), 3)
    states = [np.random.default_rng(s).standard_normal((2, 2)).astype("float32") for s in (4, 5)]
    out, h_forward, h_backward = layer(x, initial_state=states)
    weights = layer.get_weights()
    last_f, _, _ = ref.run_sequence(lambda xt, s: ref.gru_step(xt, s, *weights[:3]), x, [states[0]])
    last_b, _, _ = ref.run_sequence(lambda xt, s: ref.gru_step(xt, s, *weights[3:]), x, [states[1]], go_backwards=True)
    np.testing.assert_allclose(h_forward.detach().numpy(), last_f, atol=1e-5)
    np.testing.assert_allclose(h_backward.detach().numpy(), last_b, atol=1e-5)
    np.testing.assert_allclose(out.detach().numpy(), np.concatenate([last_f, last_b], -1), atol=1e-5)
    assert layer.compute_output_shape((None, 4, 3)) == [(None, 4), (None, 2), (None, 2)]


def test_backward_layer_argument_and_validation():
    backward = L.GRU(3, go_backwards=True, name="my_backward")
    layer = L.Bidirectional(L.LSTM(3), backward_layer=backward, merge_mode="sum")
    assert layer.backward_layer is backward
    out = layer(np.zeros((2, 4, 5), "float32"))
    assert tuple(out.shape) == (2, 3) and len(layer.weights) == 6
    with pytest.raises(ValueError, match="go_backwards"):
        L.Bidirectional(L.LSTM(3), backward_layer=L.LSTM(3))
    with pytest.raises(ValueError, match="return_sequences"):
        L.Bidirectional(L.LSTM(3), backward_layer=L.LSTM(3, go_backwards=True, return_sequences=True))
    with pytest.raises(ValueError, match="merge_mode"):
        L.Bidirectional(L.LSTM(3), merge_mode="max")


def test_config_round_trip_with_backward_layer():
    layer = L.Bidirectional(L.LSTM(2, return_sequences=True), merge_mode="ave")
    layer.build((None, 3, 4))
    config = layer.get_config()
    assert config["layer"]["config"]["name"] == "forward_lstm"
    assert config["backward_layer"]["config"]["go_backwards"] is True
    clone = L.Bidirectional.from_config(config)
    assert clone.forward_layer.name == "forward_lstm" and clone.backward_layer.name == "backward_lstm"
    assert clone.get_config()["merge_mode"] == "ave"


def test_stateful_bidirectional_resets():
    layer = L.Bidirectional(L.LSTM(2, stateful=True))
    x = np.random.default_rng(6).standard_normal((2, 3, 4)).astype("float32")
    first = layer(x).detach().numpy()
    assert layer.states is not None and len(layer.states) == 4
    assert not np.allclose(layer(x).detach().numpy(), first)
    layer.reset_states()
    np.testing.assert_allclose(layer(x).detach().numpy(), first, atol=1e-6)
