"""A subclassed Model whose `call` takes a second required argument, first called with it.

*딥러닝 텐서플로 교과서* chapter 10 (after TensorFlow's translation tutorial) writes
`class Encoder(tf.keras.Model): def call(self, x, hidden)` and calls `encoder(inp, enc_hidden)`.
tf-keras 2 never runs the default build of a subclassed model on its first call, Keras 3 traces that
call with all its arguments; a build run given the inputs alone has nothing to pass as `hidden`.
"""
import numpy as np
import pytest

import tkeras as keras


class _Encoder(keras.Model):
    def __init__(self):
        super().__init__()
        self.embedding = keras.layers.Embedding(10, 4)
        self.gru = keras.layers.GRU(3, return_sequences=True, return_state=True)

    def call(self, x, hidden):
        return self.gru(self.embedding(x), initial_state=hidden)


class _Scaled(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(2)

    def call(self, x, scale, training=None):
        return self.dense(x) * scale


def test_first_eager_call_with_a_state_argument_builds_the_model():
    encoder = _Encoder()
    output, state = encoder(np.array([[1, 2, 3]]), np.zeros((1, 3), "float32"))
    assert tuple(output.shape) == (1, 3, 3) and tuple(state.shape) == (1, 3)
    assert encoder.built
    assert len(encoder.weights) == 4  # embedding; GRU kernel, recurrent kernel, bias


def test_the_second_argument_is_the_one_the_call_was_given():
    model = _Scaled()
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    result = keras.ops.convert_to_numpy(model(x, 3.0))
    kernel, bias = (w.numpy() for w in model.dense.weights)
    np.testing.assert_allclose(result, (x @ kernel + bias) * 3.0, rtol=1e-5, atol=1e-6)


def test_first_symbolic_call_with_a_state_argument_builds_a_functional_model():
    tokens, hidden = keras.Input((5,), dtype="int32"), keras.Input((3,))
    output, state = _Encoder()(tokens, hidden)
    assert tuple(output.shape) == (None, 5, 3) and tuple(state.shape) == (None, 3)
    model = keras.Model([tokens, hidden], [output, state])
    assert len(model.weights) == 4
    got_output, got_state = model.predict([np.array([[1, 2, 3, 4, 5]]), np.zeros((1, 3), "float32")], verbose=0)
    np.testing.assert_allclose(got_output[:, -1], got_state, rtol=1e-6)


def test_symbolic_call_given_a_concrete_state_traces_the_call_with_it():
    tokens = keras.Input((5,), dtype="int32", batch_size=2)
    output, state = _Encoder()(tokens, np.zeros((2, 3), "float32"))
    assert tuple(output.shape) == (2, 5, 3) and tuple(state.shape) == (2, 3)


def test_explicit_build_names_the_argument_it_cannot_supply():
    with pytest.raises(ValueError, match=r"Model '.*' \(_Encoder\).*needs 'hidden'"):
        _Encoder().build((None, 5))
