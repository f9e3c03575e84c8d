"""`shuffle(n, reshuffle_each_iteration=False)` fixes one order for every pass and every iterator of the
dataset (Python Machine Learning 3rd ed., chapters 15-16, split CelebA/IMDB into train and test with
`take`/`skip` after such a shuffle: a new order per iterator would leak test rows into training).
`as_numpy_iterator` gives NumPy scalars for scalar elements, as TensorFlow does (`np.int64(2)`)."""
import numpy as np

from tkeras.compat import tf_namespace as tf


def _values(dataset):
    return [int(v) for v in dataset.as_numpy_iterator()]


def test_every_pass_and_iterator_sees_the_same_order():
    tf.random.set_seed(1)
    ds = tf.data.Dataset.range(20).shuffle(20, reshuffle_each_iteration=False)
    first = _values(ds)
    assert sorted(first) == list(range(20)) and first != list(range(20))
    assert _values(ds) == first
    assert _values(ds.repeat(3)) == first * 3
    assert _values(ds.take(2).repeat(3)) == first[:2] * 3


def test_take_and_skip_split_without_overlap():
    tf.random.set_seed(1)
    ds = tf.data.Dataset.from_tensor_slices(np.arange(50)).shuffle(50, reshuffle_each_iteration=False)
    test, train = _values(ds.take(20)), _values(ds.skip(20))
    assert set(test).isdisjoint(train) and sorted(test + train) == list(range(50))


def test_a_small_buffer_and_a_mapped_source_keep_the_order_too():
    ds = tf.data.Dataset.range(30).map(lambda x: x * 2).shuffle(4, reshuffle_each_iteration=False)
    assert _values(ds) == _values(ds)


def test_the_order_follows_the_global_seed_and_reshuffling_stays_the_default():
    tf.random.set_seed(7)
    a = _values(tf.data.Dataset.range(20).shuffle(20, reshuffle_each_iteration=False))
    tf.random.set_seed(7)
    b = _values(tf.data.Dataset.range(20).shuffle(20, reshuffle_each_iteration=False))
    assert a == b
    tf.random.set_seed(7)
    passes = _values(tf.data.Dataset.range(20).shuffle(20).repeat(2))
    assert passes[:20] != passes[20:]


def test_scalar_elements_come_out_as_numpy_scalars():
    values = list(tf.data.Dataset.range(3).as_numpy_iterator())
    assert all(isinstance(v, np.int64) and not isinstance(v, np.ndarray) for v in values)
    x, y = next(tf.data.Dataset.from_tensor_slices((np.ones((2, 3), "float32"), [1, 0])).as_numpy_iterator())
    assert x.shape == (3,) and isinstance(y, np.int32)
