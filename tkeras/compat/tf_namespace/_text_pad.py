"""`tf.pad` that also pads text. keras-io's multi-label tf-idf trainer pads a tokenized abstract with
`tf.pad([text], [[0, n]], constant_values="<pad>")` inside a tf.data map; TensorFlow pads string tensors
in every mode, with "" when `constant_values` keeps its default 0. Numbers go to the numeric op as before.
"""
import numpy as np

from tkeras.data.text_face import text_face
from tkeras.ops import shape_ops
from tkeras.ops.text import as_text_array, is_text

_NUMPY_MODES = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    if not is_text(tensor):
        return shape_ops.pad(tensor, paddings, mode=mode, constant_values=constant_values, name=name)
    array = as_text_array(tensor)
    numpy_mode = _NUMPY_MODES.get(str(mode).upper())
    if numpy_mode is None:
        raise ValueError(f"tf.pad: argument 'mode' must be one of {sorted(_NUMPY_MODES)}, received {mode!r}")
    widths = [(int(before), int(after)) for before, after in np.asarray(paddings, dtype=object).reshape(-1, 2)]
    if len(widths) != array.ndim:
        raise ValueError(f"tf.pad: 'paddings' must have one [before, after] pair per dimension of the text "
                         f"(rank {array.ndim}), received {len(widths)} pairs")
    if numpy_mode != "constant":
        # TensorFlow mirrors at most the axis' size (SYMMETRIC) or one less (REFLECT); NumPy would wrap.
        limit = 0 if numpy_mode == "symmetric" else 1
        for axis, (before, after) in enumerate(widths):
            if max(before, after) > array.shape[axis] - limit:
                raise ValueError(f"tf.pad: {mode} padding of {max(before, after)} on axis {axis} is too large "
                                 f"for its size {array.shape[axis]}")
        return text_face(np.pad(array, widths, mode=numpy_mode))
    if is_text(constant_values):
        fill = str(as_text_array(constant_values))
    elif isinstance(constant_values, (int, float)) and constant_values == 0:
        fill = ""  # TensorFlow's default for string tensors
    else:
        raise TypeError(f"tf.pad: 'constant_values' for text must be a string, received {constant_values!r}")
    width = max(array.dtype.itemsize // 4, len(fill), 1)  # wide enough that the fill is not cut
    return text_face(np.pad(array.astype(f"U{width}"), widths, mode="constant", constant_values=fill))
