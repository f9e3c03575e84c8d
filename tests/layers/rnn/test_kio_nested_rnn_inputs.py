"""RNN(cell) over a tuple of sequences with multi-axis states and several outputs, tf-keras 2's nested
RNN inputs (keras-io guides/working_with_rnns.py of the tf.keras era, `NestedCell`). Checked against
NumPy: the cell adds each step's projections to its states and outputs the last step's."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf


class NestedCell(keras.layers.Layer):
    def __init__(self, unit_1, unit_2, unit_3, **kwargs):
        self.unit_1, self.unit_2, self.unit_3 = unit_1, unit_2, unit_3
        self.state_size = [tf.TensorShape([unit_1]), tf.TensorShape([unit_2, unit_3])]
        self.output_size = [tf.TensorShape([unit_1]), tf.TensorShape([unit_2, unit_3])]
        super().__init__(**kwargs)

    def build(self, input_shapes):
        i1, (i2, i3) = input_shapes[0][1], input_shapes[1][1:]
        self.kernel_1 = self.add_weight(shape=(i1, self.unit_1), initializer="uniform", name="kernel_1")
        self.kernel_2_3 = self.add_weight(shape=(i2, i3, self.unit_2, self.unit_3), initializer="uniform",
                                          name="kernel_2_3")

    def call(self, inputs, states):
        input_1, input_2 = tf.nest.flatten(inputs)
        s1, s2 = states
        output_1 = tf.matmul(input_1, self.kernel_1)
        output_2_3 = tf.einsum("bij,ijkl->bkl", input_2, self.kernel_2_3)
        return (output_1, output_2_3), (s1 + output_1, s2 + output_2_3)


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(4, 5, 3)).astype("float32"), rng.normal(size=(4, 5, 2, 6)).astype("float32")


def test_functional_model_over_nested_sequences_matches_numpy():
    x1, x2 = _data()
    input_1, input_2 = keras.Input((None, 3)), keras.Input((None, 2, 6))
    outputs = keras.layers.RNN(NestedCell(7, 4, 5), return_state=True)((input_1, input_2))
    assert [tuple(o.shape) for o in outputs] == [(None, 7), (None, 4, 5), (None, 7), (None, 4, 5)]
    model = keras.Model([input_1, input_2], outputs)
    k1, k23 = model.get_weights()
    out_1, out_23, state_1, state_23 = [np.asarray(o) for o in model([x1, x2])]
    np.testing.assert_allclose(out_1, x1[:, -1] @ k1, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out_23, np.einsum("bij,ijkl->bkl", x2[:, -1], k23), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(state_1, np.einsum("bti,ik->bk", x1, k1), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(state_23, np.einsum("btij,ijkl->bkl", x2, k23), rtol=1e-4, atol=1e-5)


def test_return_sequences_stacks_each_output():
    x1, x2 = _data()
    layer = keras.layers.RNN(NestedCell(7, 4, 5), return_sequences=True)
    seq_1, seq_23 = [np.asarray(o) for o in layer((x1, x2))]
    assert seq_1.shape == (4, 5, 7) and seq_23.shape == (4, 5, 4, 5)
    np.testing.assert_allclose(seq_1, x1 @ np.asarray(layer.cell.kernel_1), rtol=1e-4, atol=1e-5)


def test_keras2_list_of_sequences_and_initial_states_is_unchanged():
    x = np.ones((2, 3, 4), "float32")
    h0, c0 = np.zeros((2, 5), "float32"), np.ones((2, 5), "float32")
    lstm = keras.layers.LSTM(5)
    np.testing.assert_allclose(np.asarray(lstm([x, h0, c0])), np.asarray(lstm(x, initial_state=[h0, c0])))
