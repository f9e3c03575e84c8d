"""Boston housing prices (Harrison & Rubinfeld, 1978): 506 towns, 13 features, price in k$.

Kept for old scripts and tutorials; the data set has known ethical problems (one feature encodes
the share of Black residents), see scikit-learn's removal notice before using it for anything new.
"""
import numpy as np

from tkeras.datasets._locate import dataset_file
from tkeras.datasets._npz import load_npz

_NPZ_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """`(x_train, y_train), (x_test, y_test)`: the seed-113 shuffle, first `1 - test_split` train."""
    if not 0 <= test_split < 1:
        raise ValueError(f"boston_housing.load_data: `test_split` must be in [0, 1), received {test_split!r}")
    arrays = load_npz(dataset_file(path, "boston_housing.npz", _NPZ_SHA256), ("x", "y"))
    x, y = arrays["x"], arrays["y"]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
