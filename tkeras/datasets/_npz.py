"""Read a Keras dataset `.npz` without `np.load(allow_pickle=True)`.

Keras' `imdb.npz` and `reuters.npz` store ragged sequences as object arrays, which NumPy writes as
pickle streams. A pickle can run arbitrary code when loaded, so instead of allowing pickles, each
object member is read with an unpickler that can build nothing but NumPy arrays and dtypes (the
Python lists and ints inside need no lookup at all). Numeric members go through NumPy's own reader
with pickles refused. Nothing in tkeras unpickles anything else.

A truncated download or a damaged file is reported with the file's path and what to do about it.
"""
import codecs
import io
import pickle
import zipfile

import numpy as np

# NumPy's array-rebuilding function, found through the array itself so that the numpy 1.x
# spelling ('numpy.core.multiarray') and the 2.x one ('numpy._core.multiarray') both resolve to it
# without importing the deprecated module.
_RECONSTRUCT = np.empty(0).__reduce__()[0]
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    # Protocol-2 pickles written by Python 3 spell bytes as _codecs.encode(text, 'latin1'): a pure
    # string conversion with no side effects.
    ("_codecs", "encode"): codecs.encode,
}


class _ArrayOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: only NumPy arrays of plain Python values are "
                f"accepted in dataset files") from None


def restricted_unpickle(stream, encoding="ASCII"):
    """Unpickle data that may contain only NumPy arrays/dtypes and plain Python containers/numbers.
    `encoding='bytes'` reads Python 2 pickles (the CIFAR batches) as Keras does."""
    return _ArrayOnlyUnpickler(stream, encoding=encoding).load()


class DatasetFileError(ValueError):
    """A dataset file that cannot be read: corrupt, truncated, or missing an expected array."""


def load_npz(path, keys):
    """The arrays `keys` of the `.npz` at `path`, as a dict."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            result = {}
            for key in keys:
                member = key + ".npy"
                if member not in members:
                    found = sorted(m[:-4] for m in members if m.endswith(".npy"))
                    raise DatasetFileError(
                        f"{path}: expected an array named {key!r} in this .npz, found {found}. "
                        f"Is it the right file?")
                with archive.open(member) as stream:
                    result[key] = _read_member(io.BufferedReader(stream))
            return result
    except DatasetFileError:
        raise
    except (zipfile.BadZipFile, EOFError, pickle.UnpicklingError, ValueError, OSError, TypeError) as error:
        raise DatasetFileError(
            f"{path}: this dataset file is corrupt or truncated ({type(error).__name__}: {error}). "
            f"Delete it and download it again, or replace it with a good copy.") from error


def _read_member(stream):
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(stream)
    else:
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(stream)
    if not dtype.hasobject:
        count = int(np.prod(shape, dtype=np.int64))
        data = stream.read(count * dtype.itemsize)
        if len(data) != count * dtype.itemsize:
            raise EOFError(f"array data ends after {len(data)} of {count * dtype.itemsize} bytes")
        array = np.frombuffer(data, dtype=dtype).copy()
        return array.reshape(shape[::-1]).T if fortran_order else array.reshape(shape)
    array = restricted_unpickle(stream)
    if not isinstance(array, np.ndarray) or tuple(array.shape) != tuple(shape):
        raise ValueError(f"object array member does not hold the array its header announces {shape}")
    return array
