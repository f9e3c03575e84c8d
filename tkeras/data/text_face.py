"""Text as user code sees it when it leaves a pipeline: TensorFlow hands out string tensors whose
`.numpy()` gives UTF-8 bytes, so tutorials write `text_batch.numpy()[0].decode()`; tkeras keeps text as
NumPy str arrays and gives them that face."""
import numpy as np

from tkeras.data.text_dtype import text_array_dtype


def _text_dtype_property():
    """`.dtype` of a text array: "string" to TensorFlow code, its NumPy dtype to NumPy (text_dtype.py)."""
    return property(text_array_dtype, np.ndarray.dtype.__set__)


class TextDTypeName(str):
    """The dtype name of text, "string" (`tf.string`, `Input(dtype="string")`), that is also equal to the
    NumPy dtype of a text array: a StringArray's dtype is NumPy's (`<U5`), so `batch.dtype == tf.string`
    holds for batched text as it does for TensorFlow's string tensors."""

    def __eq__(self, other):
        if isinstance(other, np.dtype):
            return other.kind in "US"
        if other in (np.str_, np.bytes_, np.object_):
            return True  # as tf.as_dtype maps NumPy's text types to tf.string
        return str.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = str.__hash__


string = TextDTypeName("string")


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

    dtype = _text_dtype_property()

    def numpy(self):
        """An object array of Python bytes, as TensorFlow gives: its items print as `b'...'` and count as
        bytes (`Counter(review.numpy())`), and bytes keep any trailing NUL a NumPy bytes dtype would drop."""
        encoded = np.empty(self.shape, dtype=object)
        encoded.reshape(-1)[:] = [item.encode("utf-8") for item in np.asarray(self).reshape(-1).tolist()]
        return encoded

    def __getitem__(self, index):
        item = super().__getitem__(index)
        return StringScalar(item) if isinstance(item, str) else item


class BytesScalar(bytes):
    """One binary string (a TFRecord record, a bytes feature, a file's contents from tf.io.read_file or
    tf.io.encode_jpeg) as user code sees it: Python bytes, which keep trailing NUL bytes that NumPy's bytes
    dtype would drop, that also answer `.numpy()` and `.shape`, as a scalar TensorFlow string tensor does
    (`tf.io.encode_jpeg(image).numpy()` into a tf.train.BytesList)."""

    shape = ()
    dtype = string

    def numpy(self):
        return bytes(self)

    # Printed as TensorFlow prints a scalar string tensor (a TFRecord record, a parsed feature): the
    # tutorials' recorded outputs show these forms, not a bare b'...'.
    def __repr__(self):
        return f"<tf.Tensor: shape=(), dtype=string, numpy={bytes.__repr__(self)}>"

    def __str__(self):
        return f"tf.Tensor({bytes.__repr__(self)}, shape=(), dtype=string)"

    def __format__(self, spec):
        return format(bytes.__repr__(self), spec)  # f"{record}" formats the value itself, as TensorFlow does


class BytesArray(np.ndarray):
    """Binary strings as user code sees them: a NumPy object array of bytes; `.numpy()` gives the plain
    array, single items are BytesScalars."""

    dtype = _text_dtype_property()

    def numpy(self):
        return np.asarray(self)

    def __getitem__(self, index):
        item = super().__getitem__(index)
        return BytesScalar(item) if isinstance(item, bytes) else item


# What TensorFlow would hand out as a string tensor: `isinstance(x, tf.Tensor)` and `tf.is_tensor(x)` hold
# for these (a plain Python str or NumPy array stays a non-tensor, as in TensorFlow).
TEXT_TENSOR_TYPES = (StringScalar, StringArray, BytesScalar, BytesArray)


def text_face(value):
    """Text results as user code sees them (see StringScalar, StringArray, BytesScalar, BytesArray);
    anything else unchanged."""
    if isinstance(value, (StringScalar, BytesScalar)):
        return value
    if isinstance(value, str):
        return StringScalar(value)
    if isinstance(value, bytes):
        return BytesScalar(value)  # one row of binary strings (from_tensor_slices of bytes) is a string tensor too
    if isinstance(value, np.ndarray) and value.dtype == object and value.size and isinstance(value.flat[0], bytes):
        return BytesScalar(value[()]) if value.ndim == 0 else value.view(BytesArray)
    if isinstance(value, np.ndarray) and value.dtype.kind == "U":
        return StringScalar(value[()]) if value.ndim == 0 else value.view(StringArray)
    if isinstance(value, np.ndarray) and value.dtype.kind == "S":
        return bytes_face(value.astype(object))  # NumPy's bytes dtype: TensorFlow hands these out as strings too
    return value


def bytes_face(array):
    """An object array known to hold binary strings (even an empty one) as user code sees it."""
    return BytesScalar(array[()]) if array.ndim == 0 else array.view(BytesArray)
