"""`repeat` takes NumPy's forms of `repeats`: a one-element list means one count for every element.

keras-io's conditional GAN calls `tf.repeat(labels, repeats=[784])` with no axis.
"""
import numpy as np
import pytest

from tkeras import ops


@pytest.mark.parametrize("repeats, axis", [([3], None), ((2,), 0), (np.array([2]), 1), ([1, 2], 0),
                                           (np.array([0, 1, 3]), 1), (2, None)])
def test_repeat_matches_numpy(repeats, axis):
    x = np.arange(6, dtype="float32").reshape(2, 3)
    expected = np.repeat(x, repeats, axis=axis)
    np.testing.assert_array_equal(np.asarray(ops.repeat(x, repeats, axis=axis)), expected)
