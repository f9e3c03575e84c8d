"""`tf.Variable` scatter methods (Hands-On ML 3, chapter 12), against NumPy index assignment."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


def _start():
    return np.array([[1., 2., 3.], [4., 5., 6.]], "float32")


def test_scatter_nd_update_sets_entries_and_returns_the_variable():
    v = tf.Variable(_start())
    out = v.scatter_nd_update(indices=[[0, 0], [1, 2]], updates=[100., 200.])
    expected = _start()
    expected[0, 0], expected[1, 2] = 100., 200.
    assert out is v
    np.testing.assert_array_equal(v.numpy(), expected)


def test_scatter_nd_add_sums_duplicate_indices():
    v = tf.Variable(_start())
    v.scatter_nd_add([[1, 1], [1, 1]], [0.5, 2.0])
    v.scatter_nd_sub([[0, 2]], [3.0])
    expected = _start()
    expected[1, 1] += 2.5
    expected[0, 2] -= 3.0
    np.testing.assert_array_equal(v.numpy(), expected)


def test_row_scatters_take_indexed_slices():
    v = tf.Variable(_start())
    v.scatter_update(tf.IndexedSlices(values=[[1., 2., 3.], [4., 5., 6.]], indices=[1, 0]))
    np.testing.assert_array_equal(v.numpy(), _start()[::-1])
    v.scatter_mul(tf.IndexedSlices(values=[[2., 2., 2.], [3., 3., 3.]], indices=[1, 1]))  # compounds: x6
    v.scatter_div(tf.IndexedSlices(values=[[2., 4., 8.]], indices=[0]))
    v.scatter_max(tf.IndexedSlices(values=[[0., 100., 0.]], indices=[1]))
    expected = _start()[::-1].copy()
    expected[1] *= 6.0
    expected[0] /= [2., 4., 8.]
    expected[1] = np.maximum(expected[1], [0., 100., 0.])
    np.testing.assert_allclose(v.numpy(), expected, rtol=1e-6)


def test_scatter_errors_name_the_problem():
    v = tf.Variable(_start())
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not index"):
        v.scatter_nd_update([[2, 0]], [1.])
    with pytest.raises(TypeError, match="IndexedSlices"):
        v.scatter_update([[1., 2., 3.]])
    np.testing.assert_array_equal(v.numpy(), _start())
