"""Text where the ops take tensors: `ops.convert_to_tensor([["text"]])`, `ops.cast(texts, "string")`,
`ops.concatenate` of string arrays, and the ops that only move elements around (`ops.expand_dims(texts, -1)`
before a StringLookup, reshape, squeeze, transpose, stack, tile, repeat).

TensorFlow makes string tensors of these; tkeras keeps text as NumPy str arrays (bytes decoded as
UTF-8) with the face tf.data and TextVectorization give them (`tkeras.data.text_face`), so the results
feed those directly.
"""
import numpy as np


def is_string_dtype(dtype):
    return dtype is str or getattr(dtype, "name", dtype) == "string"


def is_text(value):
    """Whether `value` is a string, bytes, or an array or nested list of them (judged by its first item)."""
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    if isinstance(value, (str, bytes)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "SU" or (value.dtype == object and value.size > 0 and isinstance(
            value.flat[0], (str, bytes)))
    return False


def _decoded(item):
    return item.decode("utf-8") if isinstance(item, bytes) else str(item)


def as_text_array(value):
    """Strings, bytes, or arrays / nested lists of them as a plain NumPy str array (0-d for one string)."""
    array = np.asarray(value)
    if array.dtype.kind == "U":
        return array
    if array.dtype.kind == "S" or array.dtype == object:
        return np.vectorize(_decoded, otypes=[str])(array) if array.size else array.astype(str)
    raise TypeError(f"Expected strings, received {type(value).__name__} of dtype {array.dtype}")


def text_tensor(value):
    """Text as user code sees it (a StringArray, or a StringScalar for one string)."""
    from tkeras.data.text_face import text_face  # (tkeras.data is built on the ops)
    array = as_text_array(value)
    return text_face(array)


def text_shape(value):
    """The shape of text given as a string, an array or nested lists of strings. Nothing is decoded: a batch of
    serialized records (`tf.size(data_batch)` in a TFRecord map function) is binary, not UTF-8."""
    array = value if isinstance(value, np.ndarray) else np.asarray(value, dtype=object)
    return tuple(array.shape)


def rearranged_text(numpy_op, value, *args, **kwargs):
    """`numpy_op` (reshape, expand_dims, ...) on text: NumPy moves strings as it moves numbers."""
    return text_tensor(numpy_op(as_text_array(value), *args, **kwargs))


def concatenate_text(values, axis):
    arrays = [as_text_array(v) for v in values]
    if axis is None:
        return text_tensor(np.concatenate([a.reshape(-1) for a in arrays]))
    return text_tensor(np.concatenate(arrays, axis=int(axis)))
