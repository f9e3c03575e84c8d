"""tf.Variable's assignment keywords and `value()` method (Python Machine Learning 3rd ed., chapter 14:
`w.assign([3, 1, 4], read_value=True)`, `w.assign_add([2, -1, 2], read_value=False)`, `w.value()`).
In TensorFlow's eager mode read_value=False returns None and value() is a method returning a tensor."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def test_assign_keywords_and_their_results():
    w = tf.Variable([1, 2, 3], trainable=False)
    assert w.assign([3, 1, 4], read_value=True) is w
    assert w.assign_add([2, -1, 2], read_value=False) is None
    assert w.assign_sub([1, 1, 1], use_locking=True, name="sub") is w
    np.testing.assert_array_equal(w.numpy(), [4, -1, 5])


def test_value_is_a_method_giving_a_tensor_snapshot():
    w = tf.Variable([1.0, 2.0])
    value = w.value()
    assert tf.is_tensor(value) and not isinstance(value, tf.Variable)
    w.assign([5.0, 6.0])
    np.testing.assert_array_equal(value.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(w.value().numpy(), [5.0, 6.0])


def test_layer_weights_take_the_keywords_too():
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    assert layer.bias.assign(np.ones(2, "float32"), read_value=False) is None
    assert layer.bias.assign_add(np.ones(2, "float32"), use_locking=False) is layer.bias
    np.testing.assert_array_equal(layer.bias.numpy(), [2.0, 2.0])
