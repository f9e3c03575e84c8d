"""`tf.Variable(["abc"], dtype=tf.string)`: a variable holding text.

torch has no string tensors, so such a variable cannot be a Parameter like the numeric ones: it holds
tkeras' text value (a NumPy str array, see data/text_face.py) and replaces it on `assign`. It answers
what TensorFlow code asks of a variable (repr, `numpy()`, `shape`, `dtype`, `value()`, indexing) and
counts as a `tf.Variable`; text variables have no gradients, so nothing trains them.
"""
import numpy as np

from tkeras.backend.eager_tensor import TensorShape, numpy_text
from tkeras.compat.tf_namespace._text import constant


def _snapshot(text):
    return text.copy() if isinstance(text, np.ndarray) else text


class TextVariable:
    def __init__(self, initial_value, trainable=True, name=None, shape=None):
        self._text = constant(initial_value, shape=shape)
        self.trainable = True if trainable is None else bool(trainable)
        self._name = name or "Variable"  # as numeric tf.Variables are named (see _variable.py)

    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return self._text.dtype

    @property
    def shape(self):
        return TensorShape(np.shape(self._text))

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return len(self.shape)

    def numpy(self):
        return self._text.numpy()

    def read_value(self):
        return _snapshot(self._text)

    def value(self):
        return self.read_value()

    def assign(self, value, use_locking=None, name=None, read_value=True):
        new = constant(value)
        if tuple(np.shape(new)) != tuple(self.shape):
            raise ValueError(f"Cannot assign a value of shape {tuple(np.shape(new))} to the string variable "
                             f"{self._name!r} of shape {tuple(self.shape)}: the shapes must match")
        self._text = new
        return self if read_value else None

    def __getitem__(self, key):
        return self._text[key]

    def __len__(self):
        return len(self._text)

    def __iter__(self):
        return iter(self._text)

    def __array__(self, dtype=None, copy=None):
        array = np.array(self._text)
        return array.astype(dtype) if dtype is not None else array

    def __repr__(self):
        return (f"<tf.Variable '{self._name}:0' shape={self.shape} dtype=string, "
                f"numpy={self._numpy_text()}>")

    def _numpy_text(self):
        values = self.numpy()
        return repr(values) if isinstance(values, bytes) else numpy_text(values, True)

    __str__ = __repr__
