"""Fashion-MNIST (Zalando): 60,000 training and 10,000 test 28x28 uint8 images of 10 clothing classes.

Kept in its original IDX format (four gzip files in a `fashion-mnist` folder under the datasets
folder), as Keras downloads it.
"""
import gzip
import os
import zlib

import numpy as np

from tkeras.datasets._locate import KERAS_ORIGIN
from tkeras.utils.file_utils import get_file

FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def load_data():
    """`(x_train, y_train), (x_test, y_test)`: uint8 images (n, 28, 28) and uint8 labels (n,)."""
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [get_file(name, origin=KERAS_ORIGIN + name, cache_subdir=subdir) for name in FILES]
    y_train = read_idx(paths[0], header_bytes=8)
    x_train = read_idx(paths[1], header_bytes=16).reshape(len(y_train), 28, 28)
    y_test = read_idx(paths[2], header_bytes=8)
    x_test = read_idx(paths[3], header_bytes=16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)


def read_idx(path, header_bytes):
    """The uint8 payload of a gzipped IDX file (labels have an 8-byte header, images 16)."""
    try:
        with gzip.open(path, "rb") as stream:
            return np.frombuffer(stream.read(), np.uint8, offset=header_bytes)
    except (OSError, EOFError, zlib.error, ValueError) as error:
        raise ValueError(f"{path}: this dataset file is corrupt or truncated ({error}). "
                         f"Delete it and download it again.") from error
