"""AbstractRNNCell (tf-keras 2): a user cell declaring state_size/output_size runs in RNN, with the zero
initial states the base class makes."""
import numpy as np
import pytest

import tkeras as keras
from tests.layers.rnn import reference as ref


class MinimalRNNCell(keras.layers.AbstractRNNCell):
    """tf-keras' documented example: h = tanh(x W + h U)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                name="recurrent_kernel")
        self.built = True

    def call(self, inputs, states):
        output = keras.ops.tanh(inputs @ self.kernel + states[0] @ self.recurrent_kernel)
        return output, output


class TwoStateCell(MinimalRNNCell):
    @property
    def state_size(self):
        return [self.units, 2]


def test_runs_in_rnn_as_a_simple_rnn():
    x = np.random.default_rng(0).standard_normal((3, 5, 4)).astype("float32")
    layer = keras.layers.RNN(MinimalRNNCell(6), return_sequences=True, return_state=True)
    outputs, h = [np.asarray(o) for o in layer(x)]
    kernel, recurrent_kernel = layer.get_weights()
    last, seq, states = ref.run_sequence(
        lambda xt, s: ref.simple_rnn_step(xt, s, kernel, recurrent_kernel, None), x, [np.zeros((3, 6))])
    np.testing.assert_allclose(outputs, seq, atol=1e-5)
    np.testing.assert_allclose(h, states[0], atol=1e-5)
    assert layer.compute_output_shape((None, 5, 4))[0] == (None, 5, 6)


def test_get_initial_state_gives_zeros_of_each_state_size():
    cell = TwoStateCell(3)
    states = cell.get_initial_state(batch_size=4)
    assert [tuple(s.shape) for s in states] == [(4, 3), (4, 2)]
    assert all(float(abs(s).sum()) == 0.0 for s in states)
    single = MinimalRNNCell(5).get_initial_state(inputs=np.zeros((7, 2)))
    assert tuple(single.shape) == (7, 5)
    with pytest.raises(ValueError, match="needs batch_size or inputs"):
        MinimalRNNCell(5).get_initial_state()


def test_a_subclass_that_forgets_a_method_is_told_which():
    class Incomplete(keras.layers.AbstractRNNCell):
        pass
    with pytest.raises(NotImplementedError, match="Incomplete must define state_size"):
        Incomplete().state_size
    with pytest.raises(NotImplementedError, match=r"Incomplete must implement call\(inputs, states\)"):
        Incomplete().call(np.zeros((1, 2)), [np.zeros((1, 2))])
