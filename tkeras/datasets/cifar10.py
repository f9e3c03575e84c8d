"""CIFAR-10 (Krizhevsky, 2009): 50,000 training and 10,000 test 32x32 colour images, 10 classes.

Read from the official "python version" batches (`cifar-10-batches-py/`), which are pickled dicts;
they are read with the array-only unpickler of `tkeras.datasets._npz`, never with plain `pickle`.
Images come back channels-last (n, 32, 32, 3) unless tkeras' image data format is channels_first.
"""
import os
import sys

import numpy as np

from tkeras.datasets._npz import DatasetFileError, restricted_unpickle
from tkeras.utils.file_utils import find_local, get_file

FOLDER = "cifar-10-batches-py"
ARCHIVE = "cifar-10-python.tar.gz"
ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_ARCHIVE_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """`(x_train, y_train), (x_test, y_test)`: uint8 images and uint8 labels of shape (n, 1)."""
    folder = batches_folder()
    parts = [load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([images for images, _ in parts])
    y_train = np.concatenate([labels for _, labels in parts]).reshape(-1, 1)
    x_test, y_test = load_batch(os.path.join(folder, "test_batch"))
    y_test = y_test.reshape(-1, 1)
    if _image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)


def batches_folder():
    """The unpacked batches folder: found locally, unpacked from a local archive, or downloaded."""
    folder = find_local(FOLDER, want_dir=True)
    if folder is not None:
        return folder
    archive = find_local(ARCHIVE) or get_file(ARCHIVE, origin=ORIGIN, file_hash=_ARCHIVE_SHA256)
    unpacked = get_file(archive, extract=True)
    inner = os.path.join(unpacked, FOLDER)
    return inner if os.path.isdir(inner) else unpacked


def load_batch(path, label_key="labels"):
    """One batch file -> (uint8 images (n, 3, 32, 32), uint8 labels (n,))."""
    try:
        with open(path, "rb") as stream:
            batch = restricted_unpickle(stream, encoding="bytes")
        batch = {(k.decode("utf8") if isinstance(k, bytes) else k): v for k, v in batch.items()}
        images = np.asarray(batch["data"], dtype=np.uint8)
        labels = np.asarray(batch[label_key], dtype=np.uint8)
        return images.reshape(images.shape[0], 3, 32, 32), labels
    except FileNotFoundError:
        raise
    except Exception as error:
        raise DatasetFileError(f"{path}: this CIFAR batch file is corrupt or truncated ({error}). "
                               f"Delete it and download it again.") from error


def _image_data_format():
    # Read the setting only if tkeras' backend is already loaded, so this module never imports torch.
    config = sys.modules.get("tkeras.backend.config")
    return config.image_data_format() if config is not None else "channels_last"
