"""Every HDF5 group and dataset a load touches, fetched through the safe-loading rules (`safe_mode`).

HDF5 can make a read reach outside the file: an external link names another file, a soft link
another path, a dataset with external storage keeps its bytes in any file on the machine, a virtual
dataset maps other files' datasets. h5py follows all of them silently, so a crafted weights file could
copy `/etc/passwd` into a kernel. None of them is ever written by Keras or tkeras; all are refused
here, before the object is opened. A dataset can also declare a huge shape while storing nothing (a
fill value), so its declared size is checked against the limit before it is read, and the loaders
check it against the model's shape before that.
"""
import math

import h5py
import numpy as np

from tkeras.saving import safe_mode
from tkeras.saving.errors import CorruptFileError, FileLimitError, UnsafeLoadError


def _link_type(parent, name):
    """The kind of link `name` is in `parent` (h5l.TYPE_HARD/SOFT/EXTERNAL), or None if there is none.
    Asked of the link itself: `name in group` and `group.get` would resolve it, opening the other file."""
    key = name.encode("utf-8")
    if not parent.id.links.exists(key):
        return None
    return parent.id.links.get_info(key).type


def has(parent, name):
    """Whether `parent` has a member `name` (one path component), without following it."""
    try:
        return _link_type(parent, name) is not None
    except (KeyError, ValueError, OSError, RuntimeError, TypeError):
        return False


def _step(parent, name, filepath, where):
    """`parent[name]` for one path component, refusing links; None when there is no such member."""
    try:
        kind = _link_type(parent, name)
        if kind is None:
            return None
        if kind != h5py.h5l.TYPE_HARD:
            what = "an external link (to another file)" if kind == h5py.h5l.TYPE_EXTERNAL else "a soft link"
            raise UnsafeLoadError(f"{filepath}: {where!r} is {what}, which would read data from outside the "
                                  f"file's own objects (rule: hdf5 links); tkeras and Keras never write links")
        return parent[name]
    except UnsafeLoadError:
        raise
    except (KeyError, ValueError, OSError, RuntimeError, TypeError) as exc:
        raise CorruptFileError(f"{filepath}: cannot open {where!r}: {exc}") from exc


def _full_name(parent, path):
    """`path` below `parent` as an absolute name in the file, for messages."""
    try:
        base = parent.name or "/"
    except (ValueError, RuntimeError, OSError):
        base = "/"
    return (base.rstrip("/") + "/" + str(path)).lstrip("/")


def get(parent, path, filepath):
    """The group or dataset at `path` (relative to `parent`), each component checked; None if absent."""
    parts = str(path).split("/")
    if not path or any(part in ("", ".", "..") for part in parts):
        raise CorruptFileError(f"{filepath}: invalid HDF5 path {path!r}")
    current = parent
    for index, part in enumerate(parts):
        if not isinstance(current, h5py.Group):
            return None
        current = _step(current, part, filepath, _full_name(parent, "/".join(parts[:index + 1])))
        if current is None:
            return None
    return current


def get_group(parent, path, filepath):
    found = get(parent, path, filepath)
    return found if isinstance(found, h5py.Group) else None


def get_dataset(parent, path, filepath):
    """The dataset at `path` after the storage checks below, or None if there is no dataset there."""
    found = get(parent, path, filepath)
    if not isinstance(found, h5py.Dataset):
        return None
    check_storage(found, filepath, _full_name(parent, path))
    return found


def check_storage(dataset, filepath, where):
    try:
        external = dataset.external
        virtual = dataset.is_virtual
        shape, itemsize, kind = dataset.shape, dataset.dtype.itemsize, dataset.dtype.kind
    except (KeyError, ValueError, OSError, RuntimeError, TypeError) as exc:
        raise CorruptFileError(f"{filepath}: cannot read the layout of {where!r}: {exc}") from exc
    if external:
        files = sorted({str(entry[0]) for entry in external})[:3]
        raise UnsafeLoadError(f"{filepath}: dataset {where!r} keeps its data in external file(s) {files} "
                              f"(rule: hdf5 links); only data stored inside the file is read")
    if virtual:
        raise UnsafeLoadError(f"{filepath}: dataset {where!r} is a virtual dataset mapping other files' data "
                              f"(rule: hdf5 links); only data stored inside the file is read")
    if kind not in "biuf":
        raise CorruptFileError(f"{filepath}: {where!r} holds {dataset.dtype} data, not numbers")
    declared = math.prod(shape or ()) * itemsize if shape is not None else 0
    limit = safe_mode.max_dataset_bytes()
    if declared > limit:
        raise FileLimitError(
            f"{filepath}: dataset {where!r} declares shape {shape} ({_size(declared)}), more than the limit "
            f"of {_size(limit)} (rule: dataset size). If the model really holds a weight that "
            f"large, raise the limit with tkeras.saving.set_max_dataset_bytes(n_bytes)")


def _size(n_bytes):
    return f"{n_bytes / 2 ** 30:.1f} GiB" if n_bytes >= 2 ** 30 else f"{n_bytes:,} bytes"


def shape(dataset):
    return tuple(dataset.shape or ())


def read(dataset, filepath, where):
    """The dataset's values as an array (after `get_dataset`'s checks)."""
    try:
        return np.asarray(dataset[()])
    except MemoryError as exc:
        raise FileLimitError(f"{filepath}: reading {where!r} ({shape(dataset)}) ran out of memory "
                             f"(rule: memory)") from exc
    except (KeyError, ValueError, OSError, RuntimeError, TypeError) as exc:
        raise CorruptFileError(f"{filepath}: cannot read {where!r}: {exc}") from exc
