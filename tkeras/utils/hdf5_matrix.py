"""Keras 2's `HDF5Matrix` (`keras.utils.io_utils.HDF5Matrix`, removed in TensorFlow 2.4): one dataset of an
HDF5 file, or a row range of it, used like an array.

Keras 2 scripts trained on data too large for memory through it (`model.fit(HDF5Matrix(path, 'x'),
HDF5Matrix(path, 'y'), shuffle='batch')`). Rows are read from the file on each indexing, through h5py,
and `normalizer` is applied to what is read. `fit`/`evaluate`/`predict` take it (and h5py datasets
themselves) as arrays: they read it once per call, which needs the range to fit in memory.
"""
import numpy as np


class HDF5Matrix:
    """Rows `start` to `end` of the HDF5 dataset `dataset` in the file `datapath`."""

    refs = {}  # open files by path, shared by every HDF5Matrix on the same file (as Keras 2 kept them)

    def __init__(self, datapath, dataset, start=0, end=None, normalizer=None):
        try:
            import h5py
        except ImportError as error:
            raise ImportError("HDF5Matrix needs h5py: pip install h5py") from error
        if datapath not in HDF5Matrix.refs:
            HDF5Matrix.refs[datapath] = h5py.File(datapath, "r")
        file = HDF5Matrix.refs[datapath]
        if dataset not in file:
            raise KeyError(f"HDF5Matrix: {datapath} has no dataset {dataset!r} (it has {sorted(file.keys())})")
        self.data = file[dataset]
        rows = self.data.shape[0]
        self.start = int(start)
        self.end = rows if end is None else min(int(end), rows)
        if not 0 <= self.start <= self.end:
            raise ValueError(f"HDF5Matrix: start={start} and end={end} do not select rows of a dataset of {rows} rows")
        self.normalizer = normalizer

    def __len__(self):
        return self.end - self.start

    def __getitem__(self, key):
        if isinstance(key, slice):
            begin, stop, step = key.indices(len(self))
            rows = self.data[self.start + begin:self.start + stop:step] if step > 0 else \
                self.data[self.start:self.end][key]
        elif isinstance(key, (int, np.integer)):
            if not -len(self) <= key < len(self):
                raise IndexError(f"HDF5Matrix: index {key} out of range for {len(self)} rows")
            rows = self.data[self.start + (key % len(self))]
        else:
            indices = np.asarray(key)
            if indices.dtype == bool:
                indices = np.nonzero(indices)[0]
            indices = indices.astype(np.int64) % max(len(self), 1)
            distinct, where = np.unique(indices, return_inverse=True)  # h5py reads increasing, distinct rows
            rows = self.data[list(self.start + distinct)][where.reshape(-1)]
        return self.normalizer(rows) if self.normalizer is not None else rows

    def __array__(self, dtype=None, copy=None):
        rows = self[:]
        return np.asarray(rows, dtype=dtype)

    @property
    def shape(self):
        return (len(self),) + tuple(self.data.shape[1:])

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return int(np.prod(self.shape))
