"""Hands-On ML ch. 15 slices `tf.ragged.constant(chorales, ragged_rank=1)` (chorales of different lengths,
4 notes per chord) with `tf.data.Dataset.from_tensor_slices`: each element is one chorale as a dense
(length, 4) tensor, as TensorFlow gives it; the windows the book builds from them come out as NumPy slicing says."""
import numpy as np

from tkeras.compat import tf_namespace as tf

_CHORALES = [[[60, 64, 67, 72], [62, 65, 69, 74], [0, 64, 67, 71]], [[57, 60, 64, 69]]]


def test_each_element_is_one_dense_row():
    dataset = tf.data.Dataset.from_tensor_slices(tf.ragged.constant(_CHORALES, ragged_rank=1))
    rows = [np.asarray(row) for row in dataset]
    assert [row.shape for row in rows] == [(3, 4), (1, 4)]
    np.testing.assert_array_equal(rows[0], _CHORALES[0])
    np.testing.assert_array_equal(rows[1], _CHORALES[1])
    assert all(row.dtype == np.int32 for row in rows)


def test_rows_pair_with_dense_components_and_feed_flat_map():
    labels = np.array([7, 8])
    pairs = [(np.asarray(r), int(y)) for r, y in tf.data.Dataset.from_tensor_slices(
        (tf.ragged.constant([[1, 2, 3], [4]]), labels))]
    assert [(r.tolist(), y) for r, y in pairs] == [([1, 2, 3], 7), ([4], 8)]

    def windows(chorale):
        return tf.data.Dataset.from_tensor_slices(chorale).window(2, 1, drop_remainder=True).flat_map(
            lambda window: window.batch(2))

    dataset = tf.data.Dataset.from_tensor_slices(tf.ragged.constant(_CHORALES, ragged_rank=1)).flat_map(windows)
    got = [np.asarray(w) for w in dataset]
    chorale = np.array(_CHORALES[0])
    np.testing.assert_array_equal(np.stack(got), np.stack([chorale[0:2], chorale[1:3]]))
