"""`tf.gather` on a list or tensor of names (tensorflow.org's simple_audio export: `tf.gather(label_names,
class_ids)`), as TensorFlow gathers strings; numbers still go to the numeric gather."""
import numpy as np
import pytest

import tkeras.compat.tf_namespace as tf

NAMES = np.array(["down", "go", "left", "no"])


def test_gathers_names_by_id():
    assert np.asarray(tf.gather(NAMES, [2, 0, 2])).tolist() == ["left", "down", "left"]
    assert np.asarray(tf.gather(tf.constant(list(NAMES)), tf.constant([[1], [3]]))).tolist() == [["go"], ["no"]]
    grid = tf.constant([["a", "b"], ["c", "d"]])
    assert np.asarray(tf.gather(grid, [1], axis=1)).tolist() == [["b"], ["d"]]


def test_numbers_and_errors():
    np.testing.assert_array_equal(np.asarray(tf.gather(tf.constant([[1, 2], [3, 4]]), [1], axis=1)), [[2], [4]])
    with pytest.raises(IndexError, match="out of range"):
        tf.gather(NAMES, [4])
