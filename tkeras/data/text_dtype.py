"""The dtype that text arrays report, so user code's `x.dtype == "string"` holds as on TensorFlow.

TensorFlow's string tensors all have one dtype, tf.string, and it compares equal to the name "string":
pipelines and layers written for TensorFlow branch on `if x.dtype == "string":` or `x.dtype != tf.string`.
tkeras keeps text as NumPy arrays (text_face.py), whose own dtype (`<U5`, object) refuses that name.

A text array reports a `TextArrayDType` instead: equal to "string", tf.string, np.str_ and np.bytes_
(for str and bytes arrays alike), named "string", and otherwise the array's NumPy dtype: it compares
equal to it (so `x.dtype == object` still tells a bytes array from a str one), answers its attributes
(`kind`, `itemsize`, `type`, ...), and converts to it wherever NumPy takes a dtype (`np.dtype(x.dtype)`,
`arr.astype(x.dtype)`), through NumPy's `.dtype` attribute protocol. As TensorFlow's tf.string, it is
neither a float, an integer nor a number.

Text arrays give it from their `dtype` property (StringArray, BytesArray in text_face.py).
"""
import numpy as np

_TEXT_NAME = "string"


class TextArrayDType:
    """The dtype of a text array: "string" to TensorFlow code, the array's NumPy dtype to NumPy."""

    __slots__ = ("dtype",)

    is_floating = is_integer = is_complex = is_bool = is_numeric = is_quantized = False
    name = _TEXT_NAME
    as_numpy_dtype = object  # tf.string.as_numpy_dtype

    def __init__(self, numpy_dtype):
        self.dtype = np.dtype(numpy_dtype)  # read by NumPy when this object is given as a dtype

    @property
    def base_dtype(self):
        return self

    def __eq__(self, other):
        if isinstance(other, str):
            return str.__eq__(other, _TEXT_NAME)  # only the name: TensorFlow's tf.string is not "str"
        if isinstance(other, TextArrayDType) or other in (np.str_, np.bytes_):
            return True  # one dtype for all text, str or bytes, as tf.string
        try:
            return bool(self.dtype == other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(_TEXT_NAME)

    def __getattr__(self, attribute):
        return getattr(self.dtype, attribute)

    def __str__(self):
        return _TEXT_NAME

    def __repr__(self):
        return f"tf.{_TEXT_NAME}"


def text_array_dtype(array):
    """What a text array's `.dtype` gives (see the module docstring)."""
    return TextArrayDType(np.ndarray.dtype.__get__(array))
