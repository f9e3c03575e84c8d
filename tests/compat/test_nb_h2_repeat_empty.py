"""Hands-On ML 2nd ed. ch. 13 trains on `dataset.repeat().shuffle(...).batch(...)`; when the source turns out
empty, TensorFlow's repeat() yields nothing (fit then reports an empty dataset) instead of looping forever.
Non-empty sources still repeat as many times as asked."""
import numpy as np

from tkeras.compat import tf_namespace as tf


def test_repeat_forever_of_an_empty_dataset_is_empty():
    assert list(tf.data.Dataset.range(0).repeat()) == []
    dropped = tf.data.Dataset.from_tensor_slices(np.array([1., 2.])).filter(lambda x: x > 5)
    assert list(dropped.repeat().batch(2).take(3)) == []
    assert list(tf.data.Dataset.range(0).repeat(3)) == []


def test_non_empty_sources_still_repeat():
    assert [int(x) for x in tf.data.Dataset.range(3).repeat(2)] == [0, 1, 2, 0, 1, 2]
    assert [int(x) for x in tf.data.Dataset.range(2).repeat().take(5)] == [0, 1, 0, 1, 0]
    kept = tf.data.Dataset.from_tensor_slices(np.array([1., 7.])).filter(lambda x: x > 5).repeat().take(3)
    assert [float(x) for x in kept] == [7.0, 7.0, 7.0]
