"""`tf.data.Dataset.from_tensor_slices(dict(dataframe))`: pandas columns keep their NumPy dtypes, as in TF.

keras-io's structured-data examples feed `dict(dataframe)` (pandas Series values) to `from_tensor_slices`;
TensorFlow converts each column through NumPy, so an int64 column yields int64 elements. A stand-in
column class (array-like with a NumPy dtype, read-only like pandas' copy-on-write buffers) keeps this
test free of pandas.
"""
import warnings

import numpy as np

from tkeras.compat import tf_namespace as tf


class _Column:
    def __init__(self, values):
        self._values = np.asarray(values)
        self._values.flags.writeable = False
        self.dtype = self._values.dtype

    def __array__(self, dtype=None, copy=None):
        return self._values if dtype is None else self._values.astype(dtype)

    def __len__(self):
        return len(self._values)


def test_series_like_columns_keep_int64_and_float64():
    columns = {"age": _Column(np.array([60, 45, 33], dtype=np.int64)),
               "oldpeak": _Column(np.array([2.3, 0.5, 1.0], dtype=np.float64))}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "non-writable array" warning from torch
        first = next(iter(tf.data.Dataset.from_tensor_slices(columns)))
    assert first["age"].dtype == tf.int64 and int(first["age"]) == 60
    assert first["oldpeak"].dtype == tf.float64 and float(first["oldpeak"]) == 2.3


def test_python_lists_still_take_32_bit_defaults():
    first = next(iter(tf.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [1.5, 2.5]})))
    assert first["a"].dtype == tf.int32 and first["b"].dtype == tf.float32
