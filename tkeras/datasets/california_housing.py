"""California housing (Pace & Barry, 1997, via StatLib): 20,640 census block groups, 8 features
(income, house age, rooms, bedrooms, population, occupancy, latitude, longitude), target the median
house value in dollars. Keras 3 offers it, with a 600-row "small" version, as the replacement of the
withdrawn Boston housing set.
"""
import numpy as np

from tkeras.datasets._locate import dataset_file
from tkeras.datasets._npz import load_npz

_NPZ_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """`(x_train, y_train), (x_test, y_test)`: after a seeded shuffle, the first `1 - test_split` train.
    `version='small'` keeps the file's first 600 rows before shuffling."""
    if version not in ("small", "large"):
        raise ValueError(f"california_housing.load_data: `version` must be 'small' or 'large', received {version!r}")
    if not 0 <= test_split < 1:
        raise ValueError(f"california_housing.load_data: `test_split` must be in [0, 1), received {test_split!r}")
    arrays = load_npz(dataset_file(path, "california_housing.npz", _NPZ_SHA256), ("x", "y"))
    x, y = arrays["x"], arrays["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
