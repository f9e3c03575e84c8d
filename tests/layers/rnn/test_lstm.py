import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layer_testing import run_layer_test
from tests.layers.rnn import reference as ref

L = keras.layers


def _layer_with_random_weights(layer, input_dim, seed=0):
    layer.build((None, None, input_dim))
    rng = np.random.default_rng(seed)
    layer.set_weights(ref.random_weights(rng, [w.shape for w in layer.get_weights()]))
    return layer


def test_harness_last_output():
    run_layer_test(L.LSTM, {"units": 3}, input_shape=(2, 4, 5), expected_output_shape=(2, 3),
                   expected_num_trainable_weights=3, expected_num_non_trainable_weights=0)


def test_harness_sequences_and_states():
    run_layer_test(L.LSTM, {"units": 3, "return_sequences": True, "return_state": True}, input_shape=(2, 4, 5),
                   expected_output_shape=[(2, 4, 3), (2, 3), (2, 3)], expected_num_trainable_weights=3)


def test_weights_have_keras_layout_and_names():
    layer = L.LSTM(3)
    layer.build((None, 7, 5))
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert [tuple(w.shape) for w in layer.weights] == [(5, 12), (3, 12), (12,)]
    # unit_forget_bias: the forget-gate quarter (second, in Keras' i, f, c, o order) starts at one
    np.testing.assert_array_equal(layer.get_weights()[2], np.r_[np.zeros(3), np.ones(3), np.zeros(6)])
    assert layer.count_params() == 4 * (5 * 3 + 3 * 3 + 3)


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("fallback", [False, True])
def test_matches_numpy_reference(go_backwards, fallback):
    x = np.random.default_rng(1).standard_normal((3, 6, 4)).astype("float32")
    layer = _layer_with_random_weights(L.LSTM(5, return_sequences=True, return_state=True,
                                              go_backwards=go_backwards), 4)
    layer._force_fallback = fallback
    outputs, h, c = [t.detach().numpy() for t in layer(x)]
    k, rk, b = layer.get_weights()
    zeros = np.zeros((3, 5))
    last, seq, (h_ref, c_ref) = ref.run_sequence(
        lambda xt, s: ref.lstm_step(xt, s, k, rk, b), x, [zeros, zeros], go_backwards=go_backwards)
    np.testing.assert_allclose(outputs, seq, atol=1e-5)
    np.testing.assert_allclose(h, h_ref, atol=1e-5)
    np.testing.assert_allclose(c, c_ref, atol=1e-5)
    np.testing.assert_allclose(outputs[:, -1], last, atol=1e-5)


def test_initial_state_and_no_bias():
    x = np.random.default_rng(2).standard_normal((2, 5, 3)).astype("float32")
    h0, c0 = np.random.default_rng(3).standard_normal((2, 2, 4)).astype("float32")
    layer = _layer_with_random_weights(L.LSTM(4, use_bias=False), 3)
    assert len(layer.weights) == 2
    out = layer(x, initial_state=[h0, c0]).detach().numpy()
    k, rk = layer.get_weights()
    expected, _, _ = ref.run_sequence(lambda xt, s: ref.lstm_step(xt, s, k, rk, None), x, [h0, c0])
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_hard_sigmoid_recurrent_activation_runs_the_loop_correctly():
    x = np.random.default_rng(4).standard_normal((2, 5, 3)).astype("float32")
    layer = _layer_with_random_weights(L.LSTM(4, recurrent_activation="hard_sigmoid"), 3)
    assert layer._fused_mode(False) is None
    k, rk, b = layer.get_weights()
    hard = lambda v: np.clip(0.2 * v + 0.5, 0, 1)
    expected, _, _ = ref.run_sequence(lambda xt, s: ref.lstm_step(xt, s, k, rk, b, hard), x, [np.zeros((2, 4))] * 2)
    # Keras 3's hard_sigmoid is relu6(x + 3) / 6; Keras 2's 0.2x + 0.5: both agree in [-2.5, 2.5]
    out = layer(x).detach().numpy()
    np.testing.assert_allclose(out, expected, atol=0.05)


def test_keras1_argument_names():
    layer = L.LSTM(output_dim=6, init="uniform", inner_init="zeros", inner_activation="hard_sigmoid",
                   dropout_W=0.2, dropout_U=0.1, W_regularizer="l2", forget_bias_init="one", consume_less="gpu")
    assert layer.units == 6 and layer.dropout == 0.2 and layer.recurrent_dropout == 0.1
    assert layer.recurrent_activation is keras.activations.get("hard_sigmoid")
    assert layer.kernel_regularizer is not None
    layer.build((None, 3, 2))
    assert np.all(layer.get_weights()[1] == 0) and np.abs(layer.get_weights()[0]).max() <= 0.05


def test_keras1_input_dim_and_length_give_the_sequence_shape():
    layer = L.LSTM(4, input_dim=3, input_length=10)
    assert layer._batch_input_shape == (None, 10, 3)
    model = keras.Sequential([layer])
    assert model.compute_output_shape((None, 10, 3)) == (None, 4)


def test_stateful_carries_states_over_calls_and_resets():
    x = np.random.default_rng(5).standard_normal((2, 8, 3)).astype("float32")
    whole = _layer_with_random_weights(L.LSTM(4, return_sequences=True), 3)
    stateful = L.LSTM(4, return_sequences=True, stateful=True)
    stateful.build((2, 8, 3))
    stateful.set_weights(whole.get_weights())
    expected = whole(x).detach().numpy()
    first = stateful(x[:, :5]).detach().numpy()
    second = stateful(x[:, 5:]).detach().numpy()
    np.testing.assert_allclose(np.concatenate([first, second], 1), expected, atol=1e-5)
    stateful.reset_states()
    np.testing.assert_allclose(stateful(x[:, :5]).detach().numpy(), first, atol=1e-6)
    with pytest.raises(ValueError, match="batch of 2"):
        stateful(x[:1, :5])


def test_dropout_is_active_only_in_training_and_the_fast_path_equals_the_loop():
    x = np.random.default_rng(6).standard_normal((4, 6, 3)).astype("float32")
    layer = _layer_with_random_weights(L.LSTM(4, dropout=0.5, return_sequences=True), 3)
    inference = layer(x).detach().numpy()
    layer._force_fallback = True
    np.testing.assert_allclose(layer(x).detach().numpy(), inference, atol=1e-6)
    torch.manual_seed(11)
    loop = layer(x, training=True).detach().numpy()
    layer._force_fallback = False
    torch.manual_seed(11)
    fused = layer(x, training=True).detach().numpy()
    np.testing.assert_allclose(fused, loop, atol=1e-5)
    assert not np.allclose(fused, inference, atol=1e-3)


def test_recurrent_dropout_runs_the_loop_in_training_only():
    layer = L.LSTM(4, recurrent_dropout=0.3)
    assert layer._fused_mode(training=True) is None and layer._fused_mode(training=False) == "lstm"


def test_config_round_trip_keeps_every_argument():
    layer = L.LSTM(7, activation="relu", recurrent_activation="hard_sigmoid", use_bias=False, dropout=0.1,
                   recurrent_dropout=0.2, return_sequences=True, go_backwards=True, unit_forget_bias=False)
    config = layer.get_config()
    clone = L.LSTM.from_config(config)
    assert clone.get_config() == config
    assert config["units"] == 7 and config["recurrent_activation"] == "hard_sigmoid"
    # tf-keras configs carry keys that mean nothing here
    L.LSTM.from_config(dict(config, time_major=False, implementation=2))


def test_unknown_argument_names_the_layer():
    with pytest.raises(TypeError, match="LSTM.*retrun_sequences"):
        L.LSTM(3, retrun_sequences=True)
