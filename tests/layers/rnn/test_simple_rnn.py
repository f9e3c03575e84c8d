import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layer_testing import run_layer_test
from tests.layers.rnn import reference as ref

L = keras.layers


def test_harness():
    run_layer_test(L.SimpleRNN, {"units": 3}, input_shape=(2, 4, 5), expected_output_shape=(2, 3),
                   expected_num_trainable_weights=3)
    run_layer_test(L.SimpleRNN, {"units": 2, "return_state": True}, input_shape=(2, 4, 5),
                   expected_output_shape=[(2, 2), (2, 2)])


@pytest.mark.parametrize("activation,numpy_activation", [
    ("tanh", np.tanh), ("relu", lambda v: np.maximum(v, 0)), ("sigmoid", ref.sigmoid)])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_matches_numpy_reference(activation, numpy_activation, go_backwards):
    x = np.random.default_rng(1).standard_normal((3, 6, 4)).astype("float32")
    layer = L.SimpleRNN(5, activation=activation, return_sequences=True, go_backwards=go_backwards)
    layer.build((None, 6, 4))
    layer.set_weights(ref.random_weights(np.random.default_rng(0), [(4, 5), (5, 5), (5,)]))
    assert (layer._fused_mode(False) is not None) == (activation != "sigmoid")
    k, rk, b = layer.get_weights()
    _, seq, _ = ref.run_sequence(lambda xt, s: ref.simple_rnn_step(xt, s, k, rk, b, numpy_activation), x,
                                 [np.zeros((3, 5))], go_backwards=go_backwards)
    np.testing.assert_allclose(layer(x).detach().numpy(), seq, atol=1e-5)


def test_weights_are_kernel_recurrent_kernel_bias():
    layer = L.SimpleRNN(3)
    layer.build((None, 2, 4))
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [
        ("kernel", (4, 3)), ("recurrent_kernel", (3, 3)), ("bias", (3,))]
    # recurrent_kernel is orthogonal by default
    rk = layer.get_weights()[1]
    np.testing.assert_allclose(rk @ rk.T, np.eye(3), atol=1e-5)


def test_input_dropout_mask_is_shared_over_time():
    """With an identity kernel, no recurrence and relu, each output step is the dropped input: a
    constant sequence must come out constant over time (one mask per sequence), scaled by 1/(1-rate)."""
    features = 64
    layer = L.SimpleRNN(features, activation="relu", dropout=0.5, return_sequences=True)
    layer.build((None, 5, features))
    layer.set_weights([np.eye(features, dtype="float32"), np.zeros((features, features), "float32"),
                       np.zeros(features, "float32")])
    x = np.ones((3, 5, features), dtype="float32")
    for fallback in (False, True):
        layer._force_fallback = fallback
        out = layer(x, training=True).detach().numpy()
        np.testing.assert_allclose(out, np.repeat(out[:, :1], 5, axis=1))
        assert set(np.unique(out)) <= {0.0, 2.0}
        assert 0.2 < (out == 0).mean() < 0.8
        assert not np.array_equal(out[0, 0], out[1, 0])  # each sample has its own mask


def test_gradients_reach_the_keras_layout_weights_equally_on_both_paths():
    x = torch.randn(3, 5, 4)
    layer = L.SimpleRNN(3, return_sequences=True)
    grads = []
    for fallback in (False, True):
        layer._force_fallback = fallback
        for w in layer.weights:
            w.grad = None
        layer(x, training=True).square().sum().backward()
        grads.append([w.grad.clone() for w in layer.weights])
    for fused, loop in zip(*grads):
        torch.testing.assert_close(fused, loop, atol=1e-5, rtol=1e-4)
