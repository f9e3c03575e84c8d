"""A one-state cell (SimpleRNNCell, GRUCell) hands its new state back in the structure the old one came
in: a bare tensor for a bare tensor, a list for a list, as Keras 3 and tf-keras 2 both do (checked with
keras 3.15 / tf-keras 2.21). Code that steps a cell by hand with `out, h = cell(x_t, h)` then keeps
using `h` as a tensor (`h.shape`, `h + ...`, `tf.concat([h, ...])`)."""
import numpy as np
import pytest

import tkeras as keras


@pytest.mark.parametrize("cell_class", ["SimpleRNNCell", "GRUCell"])
def test_bare_state_in_bare_state_out(cell_class):
    cell = getattr(keras.layers, cell_class)(4)
    x = np.random.default_rng(0).normal(size=(2, 3)).astype("float32")
    h = np.zeros((2, 4), "float32")
    output, state = cell(x, h)
    assert not isinstance(state, (list, tuple))
    assert tuple(state.shape) == (2, 4)
    np.testing.assert_allclose(np.asarray(state), np.asarray(output))
    # a second step takes it as it came back
    output_2, state_2 = cell(x, state)
    assert not isinstance(state_2, (list, tuple))
    listed_output, listed_state = cell(x, [h])
    assert isinstance(listed_state, list) and len(listed_state) == 1
    np.testing.assert_allclose(np.asarray(listed_state[0]), np.asarray(output), rtol=1e-6)


@pytest.mark.parametrize("cell_class", ["SimpleRNNCell", "GRUCell"])
def test_rnn_layer_over_the_cell_is_unchanged(cell_class):
    cell = getattr(keras.layers, cell_class)(3)
    layer = keras.layers.RNN(cell, return_state=True)
    x = np.random.default_rng(1).normal(size=(2, 5, 2)).astype("float32")
    output, state = layer(x)
    h = np.zeros((2, 3), "float32")
    for t in range(5):
        h_out, h = cell(x[:, t], h)
    np.testing.assert_allclose(np.asarray(output), np.asarray(h_out), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(state), np.asarray(h), rtol=1e-5, atol=1e-6)
