"""TensorFlow's dataset iterators keep the Python 2 method `next()`.

The transfer learning tutorial takes one test batch with `test_dataset.as_numpy_iterator().next()`;
`iter(dataset).next()` works the same. Both end with StopIteration, as `next(iterator)` does.
"""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


def test_numpy_iterator_next_gives_the_first_batch():
    images = np.arange(12, dtype="float32").reshape(6, 2)
    labels = np.arange(6)
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(4)
    image_batch, label_batch = dataset.as_numpy_iterator().next()
    np.testing.assert_array_equal(image_batch, images[:4])
    np.testing.assert_array_equal(label_batch, labels[:4])


def test_iterator_next_steps_then_stops():
    iterator = iter(tf.data.Dataset.range(2))
    assert [int(iterator.next()), int(iterator.next())] == [0, 1]
    with pytest.raises(StopIteration):
        iterator.next()
