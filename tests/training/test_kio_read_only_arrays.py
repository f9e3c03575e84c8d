"""Read-only NumPy arrays (pandas `.values` under copy-on-write, `np.broadcast_to`) train without
torch's "non-writable" warning, and writable arrays are still shared, not copied."""
import warnings

import numpy as np

import tkeras as keras
from tkeras.training import data_adapter


def test_read_only_array_is_copied_without_a_warning():
    array = np.arange(12, dtype="float32").reshape(4, 3)
    array.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tensor = data_adapter.to_tensor(array)
    np.testing.assert_array_equal(tensor.numpy(), array)
    assert tensor.numpy().flags.writeable


def test_writable_array_is_shared():
    array = np.arange(12, dtype="float32").reshape(4, 3)
    tensor = data_adapter.to_tensor(array)
    array[0, 0] = 100.0
    assert float(tensor[0, 0]) == 100.0


def test_fit_on_read_only_arrays_does_not_warn():
    x = np.broadcast_to(np.linspace(0, 1, 3, dtype="float32"), (8, 3))
    y = np.zeros((8, 1), "float32")
    y.flags.writeable = False
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model.fit(x, y, epochs=1, verbose=0)
