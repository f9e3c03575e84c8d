"""A read-only NumPy array (an image from `np.asarray(PIL.Image.open(...))`, as Python Machine Learning 3rd ed.
chapter 15 reads one with imageio and passes it to `tf.rank`/`tf.reshape`) becomes a tensor of its own: torch
would otherwise share memory it is told it may not write (and warn about it), and an in-place update of the
tensor would change the caller's array."""
import numpy as np

from tkeras import ops
from tkeras.compat import tf_namespace as tf


def _read_only(array):
    array.setflags(write=False)
    return array


def test_a_read_only_array_is_copied():
    image = _read_only(np.arange(6, dtype="uint8").reshape(2, 3))
    tensor = ops.convert_to_tensor(image)
    tensor.add_(1)
    np.testing.assert_array_equal(image, np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(tensor.numpy(), np.arange(1, 7).reshape(2, 3))


def test_tf_functions_take_read_only_arrays():
    image = _read_only(np.zeros((4, 5), "uint8"))
    assert int(tf.rank(image)) == 2
    assert tuple(tf.reshape(image, (4, 5, 1)).shape) == (4, 5, 1)
    broadcast = np.broadcast_to(np.float32(2.0), (2, 3))  # a read-only view
    np.testing.assert_array_equal(tf.constant(broadcast).numpy(), np.full((2, 3), 2.0, "float32"))
