"""`tf.math.cumsum` / `tf.math.cumprod` take TensorFlow's signature (x, axis=0, exclusive, reverse), not
Keras' ops one (axis=None flattens): keras-io's NeRF renders with `cumprod(..., exclusive=True)`. Values
checked against NumPy scans; the dtype stays the input's, as in TensorFlow."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


def _reference(x, axis, exclusive, reverse, scan, identity):
    x = np.moveaxis(x, axis, -1)
    if reverse:
        x = x[..., ::-1]
    if exclusive:
        x = np.concatenate([np.full(x.shape[:-1] + (1,), identity, x.dtype), x[..., :-1]], axis=-1)
    out = scan(x, axis=-1)
    if reverse:
        out = out[..., ::-1]
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("name,scan,identity", [("cumsum", np.cumsum, 0.0), ("cumprod", np.cumprod, 1.0)])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_scans_match_numpy(name, scan, identity, axis, exclusive, reverse):
    x = np.array([[1.0, 2.0, 0.0], [4.0, 0.5, 6.0]], "float32")
    got = getattr(tf.math, name)(x, axis=axis, exclusive=exclusive, reverse=reverse).numpy()
    np.testing.assert_allclose(got, _reference(x, axis, exclusive, reverse, scan, identity), rtol=1e-6)


def test_default_axis_is_zero_and_positional_flags_are_exclusive_then_reverse():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float32")
    np.testing.assert_array_equal(tf.math.cumsum(x).numpy(), [[1, 2, 3], [5, 7, 9]])
    np.testing.assert_array_equal(tf.math.cumprod(x, 1, False, True).numpy(), [[6, 6, 3], [120, 30, 6]])
    np.testing.assert_array_equal(tf.math.cumsum(x, 1, True).numpy(), [[0, 1, 3], [0, 4, 9]])
    assert tf.math.cumsum(np.array([100, 100], "int8")).dtype == tf.int8
