"""Casting a complex tensor to a real dtype keeps its real part quietly, as `tf.cast` does.

keras-io's FNet layer runs `tf.cast(tf.signal.fft2d(...), tf.float32)` on every call; a warning per step
would flood the training log.
"""
import warnings

import numpy as np

from tkeras import ops


def test_complex_to_float_keeps_the_real_part_without_warning():
    values = np.array([1.5 + 2.0j, -3.0 - 0.5j], dtype=np.complex64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = ops.cast(ops.convert_to_tensor(values), "float32")
    assert str(result.dtype).endswith("float32")
    np.testing.assert_array_equal(np.asarray(result), values.real)


def test_complex128_to_float64_keeps_the_real_part():
    values = np.array([0.25 - 7.0j], dtype=np.complex128)
    result = ops.cast(ops.convert_to_tensor(values), "float64")
    np.testing.assert_array_equal(np.asarray(result), values.real)
