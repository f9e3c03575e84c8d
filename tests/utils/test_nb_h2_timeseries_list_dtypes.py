"""Hands-On ML ch. 15 starts with `timeseries_dataset_from_array([0, 1, 2, 3, 4, 5], targets=..., ...)`: Keras
(tf-keras 2 and Keras 3 alike) converts Python lists as TensorFlow does, ints to int32 and floats to float32,
while NumPy arrays and pandas Series keep their own dtype (the book's ridership series are float64)."""
import numpy as np
import pytest

import tkeras as keras


def _first_batch(data, targets):
    dataset = keras.utils.timeseries_dataset_from_array(data, targets=targets, sequence_length=3, batch_size=2)
    windows, labels = next(iter(dataset))
    return np.asarray(windows), np.asarray(labels)


def test_python_int_lists_give_int32_windows_and_targets():
    series = [0, 1, 2, 3, 4, 5]
    windows, labels = _first_batch(series, series[3:])
    assert windows.dtype == np.int32 and labels.dtype == np.int32
    np.testing.assert_array_equal(windows, [[0, 1, 2], [1, 2, 3]])
    np.testing.assert_array_equal(labels, [3, 4])


def test_python_float_lists_give_float32():
    windows, labels = _first_batch([0., 1., 2., 3., 4., 5.], [3, 4, 5])
    assert windows.dtype == np.float32 and labels.dtype == np.int32


def test_numpy_arrays_keep_their_dtype():
    series = np.arange(6, dtype="float64")
    windows, labels = _first_batch(series, series[3:])
    assert windows.dtype == np.float64 and labels.dtype == np.float64


def test_pandas_series_keep_their_dtype():
    pd = pytest.importorskip("pandas")
    frame = pd.Series(np.arange(6, dtype="float64"))
    windows, labels = _first_batch(frame.to_numpy(), frame[3:])
    assert windows.dtype == np.float64 and labels.dtype == np.float64
    np.testing.assert_array_equal(labels, [3.0, 4.0])
