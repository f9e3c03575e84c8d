"""Elementwise `tf.strings` ops on RaggedTensors keep the rows, as TensorFlow's ragged dispatch does
(keras-io's movielens example: `tf.strings.to_number(tf.strings.split(ratings, ","), tf.float32)`)."""
import numpy as np

from tkeras.compat import tf_namespace as tf


def test_to_number_over_split_rows():
    ragged = tf.strings.split(tf.constant(["1,2,3", "4"]), ",")
    numbers = tf.strings.to_number(ragged, tf.float32)
    assert numbers.to_list() == [[1.0, 2.0, 3.0], [4.0]]
    np.testing.assert_array_equal(np.asarray(numbers.to_tensor()), [[1, 2, 3], [4, 0, 0]])


def test_lower_and_regex_replace_keep_rows_and_dense_inputs_still_work():
    ragged = tf.ragged.constant([["A", "Bc"], ["D!"]])
    assert [[s.decode() if isinstance(s, bytes) else s for s in row] for row in tf.strings.lower(ragged).to_list()] == [
        ["a", "bc"], ["d!"]]
    cleaned = tf.strings.regex_replace(ragged, "[!]", "")
    assert [len(row) for row in cleaned.to_list()] == [2, 1]
    assert float(np.asarray(tf.strings.to_number(["1.5"]))[0]) == 1.5 and tf.strings.lower("AbC") == "abc"
