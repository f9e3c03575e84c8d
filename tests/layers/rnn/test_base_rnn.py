import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layer_testing import run_layer_test
from tests.layers.rnn import reference as ref

L = keras.layers


class MinimalCell(keras.layers.Layer):
    """A user cell as in Keras' docs: h_t = x_t @ W + h_{t-1} @ U, with NumPy-checkable weights."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, self.units))
        self.built = True

    def call(self, inputs, states):
        output = inputs @ self.kernel + states[0] @ self.recurrent_kernel
        return output, [output]

    def get_config(self):
        return dict(super().get_config(), units=self.units)


def test_custom_cell_matches_numpy():
    x = np.random.default_rng(0).standard_normal((2, 5, 3)).astype("float32")
    layer = L.RNN(MinimalCell(4), return_sequences=True)
    out = layer(x).detach().numpy()
    w, u = layer.get_weights()
    _, expected, _ = ref.run_sequence(lambda xt, s: ref.simple_rnn_step(xt, s, w, u, None, lambda v: v),
                                      x, [np.zeros((2, 4))])
    np.testing.assert_allclose(out, expected, atol=1e-5)
    assert layer.compute_output_shape((None, 5, 3)) == (None, 5, 4)


def test_rnn_of_a_builtin_cell_equals_the_layer():
    x = np.random.default_rng(1).standard_normal((2, 5, 3)).astype("float32")
    wrapped = L.RNN(L.LSTMCell(4), return_state=True)
    layer = L.LSTM(4, return_state=True)
    wrapped.build((None, 5, 3))
    layer.build((None, 5, 3))
    layer.set_weights(wrapped.get_weights())
    for got, want in zip(wrapped(x), layer(x)):
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), atol=1e-5)


def test_harness_for_the_wrapper():
    run_layer_test(L.RNN, {"cell": L.GRUCell(3), "return_sequences": True}, input_shape=(2, 4, 5),
                   expected_output_shape=(2, 4, 3), expected_num_trainable_weights=3)


def test_stacked_cells_feed_each_other():
    x = np.random.default_rng(2).standard_normal((2, 4, 3)).astype("float32")
    stacked = L.RNN([L.SimpleRNNCell(5), L.LSTMCell(2)], return_state=True)
    out, *states = stacked(x)
    assert [tuple(s.shape) for s in states] == [(2, 5), (2, 2), (2, 2)]
    first, second = L.SimpleRNN(5, return_sequences=True), L.LSTM(2)
    first.build((None, 4, 3))
    second.build((None, 4, 5))
    weights = stacked.get_weights()
    first.set_weights(weights[:3])
    second.set_weights(weights[3:])
    np.testing.assert_allclose(out.detach().numpy(), second(first(x)).detach().numpy(), atol=1e-5)


def test_keras2_list_input_carries_initial_states():
    x = np.random.default_rng(3).standard_normal((2, 4, 3)).astype("float32")
    h0 = np.ones((2, 2), "float32")
    layer = L.SimpleRNN(2)
    np.testing.assert_allclose(layer([x, h0]).detach().numpy(), layer(x, initial_state=[h0]).detach().numpy())
    assert not np.allclose(layer(x).detach().numpy(), layer(x, initial_state=[h0]).detach().numpy())


def test_clear_errors():
    with pytest.raises(ValueError, match="state_size"):
        L.RNN(L.Dense(3))
    with pytest.raises(ValueError, match="initial state"):
        L.LSTM(2)(np.zeros((1, 3, 2), "float32"), initial_state=[np.zeros((1, 2), "float32")])
    with pytest.raises(ValueError, match=r"GRU layer .* \(batch, timesteps, features\)"):
        L.GRU(2)(np.zeros((1, 3), "float32"))
    with pytest.raises(AttributeError, match="stateful"):
        L.GRU(2).reset_states()




def test_fused_path_converts_weights_without_copies_per_step():
    """The torch-layout weights are views/small reorders of the Keras variables, made once a call:
    gradients flow back into the Keras-layout variables."""
    layer = L.GRU(3)
    layer.build((None, 2, 4))
    torch_weights = layer._torch_weights()
    assert [tuple(w.shape) for w in torch_weights] == [(9, 4), (9, 3), (9,), (9,)]
    # torch's r gate is Keras' second block, torch's z Keras' first
    np.testing.assert_array_equal(torch_weights[0][:3].detach().numpy(), layer.get_weights()[0][:, 3:6].T)
    np.testing.assert_array_equal(torch_weights[0][3:6].detach().numpy(), layer.get_weights()[0][:, :3].T)
    sum(w.sum() for w in torch_weights).backward()
    assert all(w.grad is not None for w in layer.weights)


def test_stateful_reset_to_given_states():
    x = np.random.default_rng(4).standard_normal((1, 3, 2)).astype("float32")
    h = np.full((1, 2), 0.5, "float32")
    layer = L.SimpleRNN(2, stateful=True)
    layer(x)
    layer.reset_states(h)
    fresh = L.SimpleRNN(2)
    fresh.build((None, 3, 2))
    fresh.set_weights(layer.get_weights())
    np.testing.assert_allclose(layer(x).detach().numpy(), fresh(x, initial_state=[h]).detach().numpy(), atol=1e-6)
