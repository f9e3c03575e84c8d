"""The weights stored in a `.keras` file, for tests that compare layouts with Keras' own files."""
import io
import zipfile

import h5py


def weight_shapes(path, under=""):
    """{h5 path: shape} of every array in the archive's `model.weights.h5` whose path starts with `under`."""
    stored = {}

    def record(name, obj):  # returning None keeps visititems going
        if isinstance(obj, h5py.Dataset) and name.startswith(under):
            stored[name] = tuple(obj.shape)
    with zipfile.ZipFile(path) as archive:
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5:
            h5.visititems(record)
    return stored
