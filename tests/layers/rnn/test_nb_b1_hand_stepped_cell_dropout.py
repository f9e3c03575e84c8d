"""A recurrent cell stepped by hand (`out, state = cell(x_t, state, training)` over the time steps, as
*딥러닝 텐서플로 교과서* ch. 7 writes its RNN/LSTM/GRU cell models) drops the same input features and
state units at every step of one call, and other ones in the next call: tf-keras 2 draws the cell's masks
once per traced step (recorded by tests/fixtures/make_nb_b1_cell_dropout_reference.py). A fresh mask per
step would be ordinary dropout, a different regularizer from the variational dropout the book teaches."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "nb_b1_cell_dropout_reference.json")
with open(_PATH) as f:
    _REFERENCE = json.load(f)
BATCH, STEPS, UNITS = _REFERENCE["batch"], _REFERENCE["steps"], _REFERENCE["units"]


class HandStepped(keras.Model):
    def __init__(self, cell, initial):
        super().__init__()
        self.cell = cell
        self.initial = initial

    def call(self, inputs, training=None):
        state = [self.initial]
        outputs = []
        for step_input in tf.unstack(inputs, axis=1):
            output, state = self.cell(step_input, state, training)
            outputs.append(output)
        return tf.stack(outputs, axis=1)


def _mask_revealing_model(case):
    if case == "dropout":  # output_t = x_t * input_mask
        cell = keras.layers.SimpleRNNCell(UNITS, dropout=0.5, activation=None, use_bias=False,
                                          kernel_initializer="identity", recurrent_initializer="zeros")
        return HandStepped(cell, tf.zeros([BATCH, UNITS]))
    cell = keras.layers.SimpleRNNCell(UNITS, recurrent_dropout=0.5, activation=None, use_bias=False,
                                      kernel_initializer="zeros", recurrent_initializer="identity")
    return HandStepped(cell, tf.ones([BATCH, UNITS]))  # h_t = h_{t-1} * state_mask


def _unit_trajectories(outputs):
    """Each (sample, unit)'s values over the steps, as a set of tuples: what a mask policy allows."""
    outputs = np.asarray(outputs)
    return {tuple(np.round(outputs[b, :, u], 4)) for b in range(outputs.shape[0]) for u in range(outputs.shape[2])}


@pytest.mark.parametrize("case", ["dropout", "recurrent_dropout"])
def test_one_mask_per_call_as_tf_keras_draws_it(case):
    reference = _REFERENCE["cases"][case]
    keras.utils.set_random_seed(3)
    model = _mask_revealing_model(case)
    x = np.ones((BATCH, STEPS, UNITS), "float32")
    first = np.asarray(model(x, training=True))
    second = np.asarray(model(x, training=True))
    # Every unit is dropped at all steps or kept at all steps, as in tf-keras' recorded calls.
    assert _unit_trajectories(first) == _unit_trajectories(reference["first_call"])
    assert _unit_trajectories(second) == _unit_trajectories(reference["second_call"])
    # The next call starts from the initial state again: new masks.
    assert not np.array_equal(first == 0, second == 0)
    np.testing.assert_allclose(np.asarray(model(x, training=False)), reference["inference"])


@pytest.mark.parametrize("cell_class", ["SimpleRNNCell", "GRUCell", "LSTMCell"])
def test_hand_steps_match_the_rnn_layer_on_the_same_draws(cell_class):
    """Stepping the cell by hand draws one input mask and one state mask, in the order the RNN layer draws
    them before its loop, so with the same seed both compute the same sequence."""
    cell = getattr(keras.layers, cell_class)(5, dropout=0.4, recurrent_dropout=0.3)
    x = np.random.default_rng(0).normal(size=(3, 4, 2)).astype("float32")
    layer = keras.layers.RNN(cell, return_sequences=True)
    layer(x)  # builds the cell
    keras.utils.set_random_seed(11)
    expected = np.asarray(layer(x, training=True))
    keras.utils.set_random_seed(11)
    states = [np.zeros((3, 5), "float32") for _ in range(2 if cell_class == "LSTMCell" else 1)]
    outputs = []
    for t in range(4):
        output, states = cell(x[:, t], states, training=True)
        outputs.append(np.asarray(output))
    np.testing.assert_allclose(np.stack(outputs, axis=1), expected, rtol=1e-5, atol=1e-6)


def test_a_state_from_elsewhere_starts_a_new_sequence():
    cell = keras.layers.SimpleRNNCell(UNITS, dropout=0.5, activation=None, use_bias=False,
                                      kernel_initializer="identity", recurrent_initializer="zeros")
    x = np.ones((BATCH, UNITS), "float32")
    zeros = np.zeros((BATCH, UNITS), "float32")
    keras.utils.set_random_seed(5)
    first, state = cell(x, [zeros], training=True)
    again, _ = cell(x, state, training=True)
    restarted, _ = cell(x, [zeros], training=True)
    np.testing.assert_array_equal(np.asarray(first), np.asarray(again))
    assert not np.array_equal(np.asarray(first), np.asarray(restarted))
