"""`tensor.numpy()` hands out the caller's own array, as TensorFlow's eager tensors do (tf 2.21: the
array owns its data, and editing it leaves the tensor unchanged). Deep Learning with Python 2nd ed.,
chapter 12's DeepDream, deprocesses `img.numpy()` in place and then reads `img` again."""
import numpy as np

from tkeras.compat import tf_namespace as tf


def test_editing_the_array_leaves_the_tensor_unchanged():
    t = tf.ones((2, 3))
    array = t.numpy()
    assert array.flags.writeable and array.flags.owndata
    array += 1
    np.testing.assert_array_equal(t.numpy(), np.ones((2, 3), "float32"))


def test_results_of_ops_keep_their_values():
    image = tf.image.resize(tf.ones((1, 4, 4, 3)), (2, 2))
    pixels = image.numpy()
    pixels /= 2.0
    pixels *= 255.0
    assert float(tf.reduce_sum(image)) == 12.0
    y = tf.constant([1.0, 2.0]) + 1
    y.numpy()[:] = 0
    assert y.numpy().tolist() == [2.0, 3.0]


def test_scalars_stay_numpy_scalars():
    value = tf.constant(1.5).numpy()
    assert isinstance(value, np.float32) and value == 1.5
