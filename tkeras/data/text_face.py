"""Text as user code sees it when it leaves a pipeline: TensorFlow hands out string tensors whose
`.numpy()` gives UTF-8 bytes, so tutorials write `text_batch.numpy()[0].decode()`; tkeras keeps text as
NumPy str arrays and gives them that face."""
import numpy as np

string = "string"  # the dtype name of text: `tf.string`, `Input(dtype="string")`


class StringScalar(str):
    """One string as user code sees it: a Python str that also answers TensorFlow's `.numpy()` (UTF-8
    bytes, so `t.numpy().decode("utf-8")` works) and `.shape`."""

    shape = ()
    dtype = string

    def numpy(self):
        return self.encode("utf-8")


class StringArray(np.ndarray):
    """Strings as user code sees them: a NumPy str array whose `.numpy()` gives UTF-8 bytes, as a
    TensorFlow string tensor does (`text_batch.numpy()[0]` prints `b'...'`); single items are
    StringScalars."""

    def numpy(self):
        return np.char.encode(np.asarray(self), "utf-8")

    def __getitem__(self, index):
        item = super().__getitem__(index)
        return StringScalar(item) if isinstance(item, str) else item


class BytesScalar(bytes):
    """One binary string (a TFRecord record, a bytes feature) as user code sees it: Python bytes that also
    answer `.numpy()` and `.shape`, as a scalar TensorFlow string tensor does."""

    shape = ()
    dtype = string

    def numpy(self):
        return bytes(self)


class FileBytes(np.bytes_):
    """A file's bytes as one scalar string (tf.io.read_file, tf.io.encode_jpeg/png): NumPy bytes, so a
    tf.data pipeline keeps them as it always has, that also answer `.numpy()` as TensorFlow's scalar
    string tensor does (`tf.io.encode_jpeg(image).numpy()` into a tf.train.BytesList)."""

    def numpy(self):
        return bytes(self)


class BytesArray(np.ndarray):
    """Binary strings as user code sees them: a NumPy object array of bytes; `.numpy()` gives the plain
    array, single items are BytesScalars."""

    def numpy(self):
        return np.asarray(self)

    def __getitem__(self, index):
        item = super().__getitem__(index)
        return BytesScalar(item) if isinstance(item, bytes) else item


def text_face(value):
    """Text results as user code sees them (see StringScalar, StringArray, BytesScalar, BytesArray);
    anything else unchanged."""
    if isinstance(value, (StringScalar, BytesScalar)):
        return value
    if isinstance(value, str):
        return StringScalar(value)
    if isinstance(value, np.ndarray) and value.dtype == object and value.size and isinstance(value.flat[0], bytes):
        return BytesScalar(value[()]) if value.ndim == 0 else value.view(BytesArray)
    if isinstance(value, np.ndarray) and value.dtype.kind == "U":
        return StringScalar(value[()]) if value.ndim == 0 else value.view(StringArray)
    return value


def bytes_face(array):
    """An object array known to hold binary strings (even an empty one) as user code sees it."""
    return BytesScalar(array[()]) if array.ndim == 0 else array.view(BytesArray)
