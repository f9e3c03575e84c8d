"""Keras 1's Merge layer (Sequential branches) and Keras 2's CuDNNLSTM/CuDNNGRU under the import hook."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import layers
from tkeras.compat.import_hook import install, uninstall
from tkeras.compat.legacy.layers import CuDNNGRU, CuDNNLSTM, Merge


def _branch(input_dim, units, seed):
    rng = np.random.default_rng(seed)
    branch = keras.Sequential([layers.Dense(units, input_dim=input_dim)])
    kernel, bias = rng.normal(size=(input_dim, units)), rng.normal(size=units)
    branch.set_weights([kernel, bias])
    return branch, lambda x: x @ kernel + bias


def test_merge_of_sequential_branches_as_the_first_layer():
    left, left_np = _branch(4, 3, 0)
    right, right_np = _branch(2, 3, 1)
    model = keras.Sequential([Merge([left, right], mode="concat")])
    a, b = np.random.default_rng(2).normal(size=(5, 4)), np.random.default_rng(3).normal(size=(5, 2))
    np.testing.assert_allclose(model.predict([a, b], verbose=0), np.concatenate([left_np(a), right_np(b)], 1),
                               rtol=1e-5, atol=1e-5)
    assert len(model.get_weights()) == 4  # the branches' weights are the model's
    lines = []
    model.summary(print_fn=lines.append)  # built from the branches' input shapes, as Keras 1 printed it
    assert lines[4].split() == ["merge", "(Merge)", "(None,", "6)", "24"]


@pytest.mark.parametrize("mode, reference", [
    ("sum", lambda p, q: p + q), ("mul", lambda p, q: p * q), ("ave", lambda p, q: (p + q) / 2),
    ("max", np.maximum), ("dot", lambda p, q: (p * q).sum(1, keepdims=True)),
    ("cos", lambda p, q: (p * q).sum(1, keepdims=True) / np.linalg.norm(p, axis=1, keepdims=True)
     / np.linalg.norm(q, axis=1, keepdims=True)),
])
def test_merge_modes_match_numpy(mode, reference):
    left, left_np = _branch(4, 3, 4)
    right, right_np = _branch(4, 3, 5)
    model = keras.Sequential([Merge([left, right], mode=mode, dot_axes=1), layers.Activation("linear")])
    a, b = np.random.default_rng(6).normal(size=(4, 4)), np.random.default_rng(7).normal(size=(4, 4))
    np.testing.assert_allclose(model.predict([a, b], verbose=0), reference(left_np(a), right_np(b)),
                               rtol=1e-4, atol=1e-5)


def test_merge_trains_and_says_how_many_inputs_it_needs():
    left, _ = _branch(4, 3, 8)
    right, _ = _branch(2, 3, 9)
    model = keras.Sequential([Merge([left, right], mode="concat"), layers.Dense(1)])
    model.compile("sgd", "mse")
    before = left.get_weights()[0].copy()
    model.fit([np.ones((8, 4)), np.ones((8, 2))], np.zeros((8, 1)), epochs=1, verbose=0)
    assert not np.allclose(left.get_weights()[0], before)  # gradients reach the branches
    with pytest.raises(ValueError, match=r"has 2 branches and needs one input array per branch .* received 1"):
        model.predict(np.ones((2, 4)), verbose=0)
    with pytest.raises(TypeError, match=r"Merge: layers must be Keras layers or models .* received ndarray"):
        Merge([np.ones(3)])


def test_merge_of_tensors_and_a_callable_mode():
    x1, x2 = keras.Input((3,)), keras.Input((3,))
    merged = Merge(mode="concat")([x1, x2])
    distance = layers.merge([x1, x2], mode=lambda t: abs(t[0] - t[1]), output_shape=lambda shapes: shapes[0])
    model = keras.Model([x1, x2], [merged, distance])
    a, b = np.arange(6.0).reshape(2, 3), np.ones((2, 3))
    out = model.predict([a, b], verbose=0)
    np.testing.assert_allclose(out[0], np.concatenate([a, b], 1))
    np.testing.assert_allclose(out[1], np.abs(a - b))


def test_cudnn_layers_are_lstm_and_gru_with_cudnn_maths():
    lstm, gru = CuDNNLSTM(4, return_sequences=True), CuDNNGRU(3)
    assert isinstance(lstm, layers.LSTM) and lstm.return_sequences and lstm.cell.recurrent_activation.__name__ == "sigmoid"
    assert isinstance(gru, layers.GRU) and gru.cell.reset_after
    install()
    try:
        from keras.layers import CuDNNLSTM as aliased
        from keras.layers import Merge as aliased_merge
        assert aliased is CuDNNLSTM and aliased_merge is Merge
    finally:
        uninstall()
