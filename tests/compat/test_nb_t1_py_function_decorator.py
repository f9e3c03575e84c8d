"""`tf.py_function` and `tf.numpy_function` as decorators, as the TFRecord tutorial writes them:
`@tf.py_function(Tout=tf.string)` over a function later called with tensors."""
import numpy as np
import torch

from tkeras.compat import tf_namespace as tf


def test_py_function_decorator_without_func():
    @tf.py_function(Tout=tf.float32)
    def doubled(x):
        return x * 2

    out = doubled(tf.constant([1.0, 2.5]))
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), [2.0, 5.0])
    assert doubled.__name__ == "doubled"


def test_py_function_given_func_but_no_inputs_and_numpy_function_decorator():
    added = tf.py_function(lambda a, b: a + b, Tout=tf.int32)
    assert int(added(tf.constant(2), tf.constant(3))) == 5

    @tf.numpy_function(Tout=tf.int64)
    def count_positive(values):
        assert isinstance(values, np.ndarray)
        return np.int64((values > 0).sum())

    assert int(count_positive(tf.constant([1.0, -2.0, 3.0]))) == 2


def test_the_plain_call_is_unchanged():
    out = tf.py_function(lambda x: x + 1, [tf.constant(1.0)], tf.float32)
    assert float(out) == 2.0
