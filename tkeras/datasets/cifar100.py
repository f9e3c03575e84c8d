"""CIFAR-100 (Krizhevsky, 2009): 50,000 training and 10,000 test 32x32 colour images, labelled with 100
fine classes grouped into 20 coarse superclasses.

Read from the official "python version" (`cifar-100-python/train` and `/test`, pickled dicts holding
both label sets) with the array-only unpickler of CIFAR-10's loader, never plain `pickle`. Images
come back channels-last (n, 32, 32, 3) unless tkeras' image data format is channels_first.
"""
import os


from tkeras.datasets.cifar10 import _image_data_format, load_batch
from tkeras.utils.file_utils import find_local, get_file

FOLDER = "cifar-100-python"
ARCHIVE = "cifar-100-python.tar.gz"
ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_ARCHIVE_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine", cache_dir=None):
    """`(x_train, y_train), (x_test, y_test)`: uint8 images, uint8 labels (n, 1) of the `label_mode`
    ('fine': 0-99, 'coarse': the 20 superclasses)."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'cifar100.load_data: `label_mode` must be one of "fine", "coarse", received '
                         f"{label_mode!r}")
    folder = _folder(cache_dir)
    x_train, y_train = load_batch(os.path.join(folder, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(folder, "test"), label_key=f"{label_mode}_labels")
    y_train, y_test = y_train.reshape(-1, 1), y_test.reshape(-1, 1)
    if _image_data_format() == "channels_last":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)


def _folder(cache_dir):
    """The unpacked folder: in `cache_dir` or the local dataset folders, unpacked from a local archive,
    or downloaded."""
    if cache_dir:
        cache_dir = os.path.expanduser(cache_dir)
        for candidate in (os.path.join(cache_dir, FOLDER), os.path.join(cache_dir, "datasets", FOLDER)):
            if os.path.isdir(candidate):
                return candidate
    folder = find_local(FOLDER, want_dir=True)
    if folder is not None:
        return folder
    archive = find_local(ARCHIVE) or get_file(ARCHIVE, origin=ORIGIN, file_hash=_ARCHIVE_SHA256, cache_dir=cache_dir)
    unpacked = get_file(archive, extract=True, cache_dir=cache_dir)
    inner = os.path.join(unpacked, FOLDER)
    return inner if os.path.isdir(inner) else unpacked
