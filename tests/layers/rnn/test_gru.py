import numpy as np
import pytest

import tkeras as keras
from tests.layer_testing import run_layer_test
from tests.layers.rnn import reference as ref

L = keras.layers


def _layer_with_random_weights(layer, input_dim, seed=0):
    layer.build((None, None, input_dim))
    rng = np.random.default_rng(seed)
    layer.set_weights(ref.random_weights(rng, [w.shape for w in layer.get_weights()]))
    return layer


@pytest.mark.parametrize("reset_after", [True, False])
def test_harness(reset_after):
    run_layer_test(L.GRU, {"units": 3, "reset_after": reset_after, "return_sequences": True},
                   input_shape=(2, 4, 5), expected_output_shape=(2, 4, 3), expected_num_trainable_weights=3)


def test_weight_shapes_follow_keras():
    after, before = L.GRU(3), L.GRU(3, reset_after=False)
    for layer in (after, before):
        layer.build((None, 7, 5))
    assert [tuple(w.shape) for w in after.weights] == [(5, 9), (3, 9), (2, 9)]
    assert [tuple(w.shape) for w in before.weights] == [(5, 9), (3, 9), (9,)]
    assert after.reset_after and not before.reset_after


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("fallback", [False, True])
def test_matches_numpy_reference(reset_after, go_backwards, fallback):
    x = np.random.default_rng(1).standard_normal((3, 6, 4)).astype("float32")
    layer = _layer_with_random_weights(L.GRU(5, reset_after=reset_after, return_sequences=True,
                                             return_state=True, go_backwards=go_backwards), 4)
    layer._force_fallback = fallback
    assert (layer._fused_mode(False) == "gru") == reset_after  # reset_after=False has no torch kernel
    outputs, h = [t.detach().numpy() for t in layer(x)]
    k, rk, b = layer.get_weights()
    _, seq, (h_ref,) = ref.run_sequence(lambda xt, s: ref.gru_step(xt, s, k, rk, b, reset_after), x,
                                        [np.zeros((3, 5))], go_backwards=go_backwards)
    np.testing.assert_allclose(outputs, seq, atol=1e-5)
    np.testing.assert_allclose(h, h_ref, atol=1e-5)


def test_no_bias_and_initial_state():
    x = np.random.default_rng(2).standard_normal((2, 5, 3)).astype("float32")
    h0 = np.random.default_rng(3).standard_normal((2, 4)).astype("float32")
    layer = _layer_with_random_weights(L.GRU(4, use_bias=False), 3)
    k, rk = layer.get_weights()
    expected, _, _ = ref.run_sequence(lambda xt, s: ref.gru_step(xt, s, k, rk, None), x, [h0])
    np.testing.assert_allclose(layer(x, initial_state=h0).detach().numpy(), expected, atol=1e-5)


def test_cell_alone_is_one_step():
    cell = L.GRUCell(3)
    x = np.random.default_rng(4).standard_normal((2, 5)).astype("float32")
    h = np.random.default_rng(5).standard_normal((2, 3)).astype("float32")
    out, states = cell(x, [h])
    k, rk, b = cell.get_weights()
    expected, _ = ref.gru_step(x, [h], k, rk, b)
    np.testing.assert_allclose(out.detach().numpy(), expected, atol=1e-5)
    np.testing.assert_allclose(states[0].detach().numpy(), expected, atol=1e-5)


def test_keras1_names_and_config_round_trip():
    layer = L.GRU(output_dim=4, inner_activation="sigmoid", dropout_W=0.25, reset_after=False)
    assert layer.units == 4 and layer.dropout == 0.25
    config = layer.get_config()
    assert config["reset_after"] is False and config["dropout"] == 0.25
    assert L.GRU.from_config(config).get_config() == config
