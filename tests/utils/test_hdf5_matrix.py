"""Keras 2's HDF5Matrix and h5py datasets as fit/evaluate/predict inputs (read like arrays)."""
import numpy as np
import pytest

import tkeras as keras
from tkeras.utils.hdf5_matrix import HDF5Matrix

h5py = pytest.importorskip("h5py")


@pytest.fixture
def stored(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((20, 3)).astype("float32"), rng.standard_normal((20, 1)).astype("float32")
    path = str(tmp_path / "data.h5")
    with h5py.File(path, "w") as f:
        f["x"], f["y"] = x, y
    yield path, x, y
    HDF5Matrix.refs.pop(path).close()


def test_rows_read_like_a_numpy_range(stored):
    path, x, _ = stored
    matrix = HDF5Matrix(path, "x", start=4, end=14, normalizer=lambda rows: rows * 10)
    part = x[4:14] * 10
    assert len(matrix) == 10 and matrix.shape == (10, 3) and matrix.dtype == np.float32 and matrix.ndim == 2
    np.testing.assert_array_equal(matrix[2:5], part[2:5])
    np.testing.assert_array_equal(matrix[-1], part[-1])
    np.testing.assert_array_equal(matrix[[7, 1, 7, 3]], part[[7, 1, 7, 3]])  # unsorted, repeated
    np.testing.assert_array_equal(matrix[np.arange(10) % 2 == 0], part[::2])
    np.testing.assert_array_equal(np.asarray(matrix), part)
    with pytest.raises(IndexError, match="index 10 out of range for 10 rows"):
        matrix[10]
    with pytest.raises(KeyError, match="has no dataset 'z'"):
        HDF5Matrix(path, "z")


def test_fit_on_stored_arrays_equals_fit_on_the_arrays(stored):
    path, x, y = stored

    def trained(inputs, targets):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="relu"), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        model.fit(inputs, targets, batch_size=4, epochs=2, shuffle=False, verbose=0)
        return model

    expected = trained(x, y).get_weights()
    for inputs, targets in [(HDF5Matrix(path, "x"), HDF5Matrix(path, "y")), (h5py.File(path, "r")["x"], y)]:
        model = trained(inputs, targets)
        for got, want in zip(model.get_weights(), expected):
            np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(model.predict(inputs, verbose=0), model.predict(x, verbose=0))
