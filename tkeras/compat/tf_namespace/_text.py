"""The TensorFlow functions that also take text: `tf.constant(["a", "b"])`, `tf.convert_to_tensor`,
`tf.expand_dims(texts, -1)` (the line before a TextVectorization call in many examples),
`tf.gather(label_names, predicted_ids)` (turning class ids back into their names).

Text stays a NumPy str array, as in `tf.data` (see `strings.py`); numbers go to the ops as before.
"""
import numpy as np

from tkeras.data.text_face import StringArray, StringScalar, bytes_face, string, text_face  # noqa: F401 - re-exported
from tkeras.ops import core, shape_ops
from tkeras.ops.text import is_text


def _is_text(value, dtype=None):
    return dtype == string or is_text(value)


def _text(value):
    from tkeras.compat.tf_namespace.strings import as_strings
    try:
        return text_face(as_strings(value))
    except UnicodeDecodeError:  # bytes that are not UTF-8 (binary data): kept as bytes, as TensorFlow keeps them
        from tkeras.compat.tf_namespace._unicode import raw_bytes
        return bytes_face(raw_bytes(value, "constant"))


def constant(value, dtype=None, shape=None, name=None):
    if _is_text(value, dtype):
        array = _text(value)
        return text_face(np.broadcast_to(np.asarray(array), tuple(shape)).copy()) if shape is not None else array
    return core.constant(value, dtype=dtype, shape=shape, name=name)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    if hasattr(value, "_tkeras_dense"):  # tf.IndexedSlices densifies, as in TensorFlow
        value = value._tkeras_dense()
    if _is_text(value, dtype):
        return _text(value)
    return core.convert_to_tensor(value, dtype=dtype, dtype_hint=dtype_hint, name=name)


def expand_dims(input, axis, name=None):  # noqa: A002 - TensorFlow's argument name
    if _is_text(input):
        return text_face(np.expand_dims(np.asarray(_text(input)), int(axis)))
    return shape_ops.expand_dims(input, axis, name=name)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    if _is_text(params):
        if batch_dims:
            raise ValueError("tf.gather on strings: batch_dims is not supported; gather per example instead")
        index = np.asarray(indices.cpu() if hasattr(indices, "cpu") else indices).astype(np.int64)
        array = np.asarray(_text(params))
        axis = 0 if axis is None else int(axis)
        if index.size and (index.min() < -array.shape[axis] or index.max() >= array.shape[axis]):
            raise IndexError(f"tf.gather: indices {index.tolist()} out of range for axis {axis} of size "
                             f"{array.shape[axis]}")
        return text_face(np.take(array, index, axis=axis))
    return shape_ops.gather(params, indices, axis=axis, batch_dims=batch_dims, name=name)
