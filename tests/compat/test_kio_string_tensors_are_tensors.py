"""Text that TensorFlow hands out as string tensors is a tensor to user code: the character-level text
generation example tests `isinstance(s, tf.Tensor)` on `tf.constant([sentence])` before tokenizing it.
In TensorFlow 2.21 `isinstance(x, tf.Tensor)` and `tf.is_tensor(x)` hold for string tensors from tf.constant
and tf.data, and not for a plain Python str or NumPy array."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


@pytest.mark.parametrize("make", [
    lambda: tf.constant("abc"),
    lambda: tf.constant(["abc", "de"]),
    lambda: next(iter(tf.data.Dataset.from_tensor_slices(["x y", "z"]).batch(2))),
    lambda: next(iter(tf.data.Dataset.from_tensor_slices(["x y", "z"]))),
], ids=["scalar", "vector", "dataset_batch", "dataset_element"])
def test_string_tensors_are_tensors(make):
    value = make()
    assert isinstance(value, tf.Tensor)
    assert tf.is_tensor(value)


@pytest.mark.parametrize("value", ["abc", np.array(["abc"]), [1.0], None], ids=["str", "ndarray", "list", "none"])
def test_plain_python_and_numpy_values_are_not_tensors(value):
    assert not isinstance(value, tf.Tensor)
    assert not tf.is_tensor(value)


def test_numeric_tensors_still_are_tensors():
    assert isinstance(tf.constant(1.0), tf.Tensor) and tf.is_tensor(tf.constant([1, 2]))
