"""`tensor.set_shape(shape)` on an eager tensor, as keras-io's FixRes preprocessing calls it.

TensorFlow 2.21 (eager): a compatible shape (None dims free, or None for no constraint) is accepted and
changes nothing; an incompatible one raises ValueError naming both shapes.
"""
import pytest

from tkeras.compat import tf_namespace as tf


def test_compatible_shapes_are_accepted():
    tensor = tf.ones((3, 4))
    tensor.set_shape([None, 4])
    tensor.set_shape((3, None))
    tensor.set_shape(tf.TensorShape([3, 4]))
    tensor.set_shape(None)
    assert tuple(tensor.shape) == (3, 4)


@pytest.mark.parametrize("shape", [[None, 5], [3], [3, 4, 1]])
def test_incompatible_shapes_raise(shape):
    with pytest.raises(ValueError, match=r"\(3, 4\) is not compatible"):
        tf.ones((3, 4)).set_shape(shape)
