"""A layer whose call returns a tuple gives a tuple of KerasTensors on symbolic inputs, as Keras does
(Hands-On ML 3, chapter 12: `MyMultiLayer()((inputs1, inputs2))` shows a 3-tuple)."""
import numpy as np

import tkeras as keras


class MyMultiLayer(keras.layers.Layer):
    def call(self, inputs):
        x1, x2 = inputs
        return x1 + x2, x1 * x2, x1 / x2


class PairAsList(keras.layers.Layer):
    def call(self, x):
        return [x, 2 * x]


def test_tuple_structure_is_kept_through_symbolic_call_and_predict():
    first, second = keras.Input((2,)), keras.Input((2,))
    outputs = MyMultiLayer()((first, second))
    assert isinstance(outputs, tuple) and len(outputs) == 3
    assert all(tuple(o.shape) == (None, 2) for o in outputs)
    model = keras.Model([first, second], outputs)
    a, b = np.array([[3.0, 6.0]], "float32"), np.array([[6.0, 12.0]], "float32")
    added, multiplied, divided = model.predict([a, b], verbose=0)
    np.testing.assert_allclose(added, a + b)
    np.testing.assert_allclose(multiplied, a * b)
    np.testing.assert_allclose(divided, a / b)


def test_list_structure_stays_a_list():
    outputs = PairAsList()(keras.Input((3,)))
    assert isinstance(outputs, list) and len(outputs) == 2
