"""TensorFlow 1's names of the random ops under tf.compat.v1, and the one line for `tf.random_normal`."""
import numpy as np
import pytest

from tkeras.compat.import_hook import install, uninstall


@pytest.fixture
def tf1():
    install()
    import tensorflow.compat.v1 as tf1
    yield tf1
    uninstall()


def test_tf1_random_ops_draw_what_their_arguments_say(tf1):
    tf1.set_random_seed(0)
    normal = np.asarray(tf1.random_normal([20000], mean=1.0, stddev=2.0))
    assert normal.dtype == np.float32 and abs(normal.mean() - 1) < 0.05 and abs(normal.std() - 2) < 0.05
    truncated = np.asarray(tf1.truncated_normal([20000], stddev=0.5))
    assert np.abs(truncated).max() <= 1.0 and 0.4 < truncated.std() < 0.5  # redrawn beyond 2 stddev
    uniform = np.asarray(tf1.random_uniform([20000], minval=-3, maxval=3))
    assert uniform.min() >= -3 and uniform.max() < 3 and abs(uniform.mean()) < 0.1
    ints = np.asarray(tf1.random_uniform([100], maxval=5, dtype="int32"))
    assert ints.dtype == np.int32 and set(ints.tolist()) <= set(range(5))
    shuffled = np.asarray(tf1.random_shuffle(np.arange(10)))
    assert sorted(shuffled.tolist()) == list(range(10))


def test_tf1_names_on_the_tf2_namespace_say_where_they_went(tf1):
    import tensorflow as tf
    with pytest.raises(AttributeError) as error:
        tf.truncated_normal([2])
    assert str(error.value) == ("tf.truncated_normal is not supported in tkeras (TensorFlow 1 name; removed in "
                                "TensorFlow 2.0, kept in tf.compat.v1): use tf.random.truncated_normal (or "
                                "tf.compat.v1.truncated_normal)")
