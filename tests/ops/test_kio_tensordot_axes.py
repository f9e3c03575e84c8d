"""`tensordot` with axes given as a pair of single axes (`axes=(2, 2)`, TensorFlow's and NumPy's spelling,
which keras-io's PointNet regularizer uses), against NumPy's tensordot."""
import numpy as np
import pytest

from tkeras import ops


@pytest.mark.parametrize("axes", [(2, 2), [2, 2], ([2], [2]), ([1, 2], [1, 2]), (-1, -1), 1, 0])
def test_matches_numpy(axes):
    x = np.arange(24, dtype="float32").reshape(2, 3, 4) / 10
    y = x if axes != 1 else np.ones((4, 5), "float32")
    got = ops.convert_to_numpy(ops.tensordot(x, y, axes=axes))
    np.testing.assert_allclose(got, np.tensordot(x, y, axes=axes), rtol=1e-5)


def test_tf_tensordot_pair_of_axes():
    from tkeras.compat import tf_namespace as tf
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    assert tuple(tf.tensordot(x, x, axes=(2, 2)).shape) == (2, 3, 2, 3)
