"""`tf.lookup`: fixed key -> value tables, as used to map words or ids before a model.

A table is a Python dict built once from its initializer; `lookup` maps any shape of keys (NumPy str
arrays for text, tensors for integers) to values of the same shape. StaticVocabularyTable sends
unknown keys to `vocab_size + Fingerprint64(key) % num_oov_buckets`, TensorFlow's own hash
(layers/preprocessing/_fingerprint.py; integer keys are hashed as their decimal text, as TensorFlow
does), so out-of-vocabulary ids match a TensorFlow pipeline's.
"""
import os

import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.eager_tensor import wrap
from tkeras.compat.tf_namespace._text import string
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr
from tkeras.data.text_face import text_face
from tkeras.layers.preprocessing._fingerprint import fingerprint64


def _array(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.dtype.kind == "S":
        array = np.char.decode(array, "utf-8")
    elif array.dtype == object and array.size and isinstance(array.flat[0], bytes):
        array = np.vectorize(lambda b: b.decode("utf-8"), otypes=[str])(array)
    return array


def _is_text(array):
    return array.dtype.kind in "US" or (array.dtype == object and (array.size == 0 or isinstance(array.flat[0], str)))


def _dtype_of(array, given, source):
    """The dtype TensorFlow gives `source` (converted to `array`): Python ints become int32 and Python
    floats float32, as in `tf.constant`; arrays and tensors keep their integer width."""
    if given is not None:
        return string if given == string else config.standardize_dtype(given)
    if _is_text(array):
        return string
    if array.dtype.kind == "f":
        return torch.float32
    if array.dtype.kind in "iu":
        typed = isinstance(source, (np.ndarray, np.generic, torch.Tensor))
        return config.standardize_dtype(str(array.dtype)) if typed else torch.int32
    return config.standardize_dtype(str(array.dtype))


def _output(values, dtype):
    if dtype == string:
        return text_face(np.asarray(values, dtype=str))
    return wrap(torch.as_tensor(np.asarray(values)).to(dtype))


class KeyValueTensorInitializer:
    """Keys and values given as two same-length sequences."""

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        self._keys, self._values = _array(keys).reshape(-1), _array(values).reshape(-1)
        if self._keys.shape != self._values.shape:
            raise ValueError(f"KeyValueTensorInitializer: `keys` and `values` must have the same length, received "
                             f"{self._keys.shape[0]} and {self._values.shape[0]}")
        self.key_dtype = _dtype_of(self._keys, key_dtype, keys)
        self.value_dtype = _dtype_of(self._values, value_dtype, values)

    def _items(self):
        return list(zip(self._keys.tolist(), self._values.tolist()))


class TextFileIndex:
    WHOLE_LINE = -2
    LINE_NUMBER = -1


class TextFileInitializer:
    """Keys and values read from a text file, one entry per line: a column (split on `delimiter`),
    the whole line (TextFileIndex.WHOLE_LINE) or the line number (TextFileIndex.LINE_NUMBER)."""

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index, vocab_size=None, delimiter="\t",
                 name=None, value_index_offset=0):
        self._filename = os.fspath(filename.item() if hasattr(filename, "item") else filename)
        if not os.path.isfile(self._filename):
            raise FileNotFoundError(f"TextFileInitializer: `filename` {self._filename!r} does not exist")
        for argument, index in (("key_index", key_index), ("value_index", value_index)):
            if not isinstance(index, int) or index < TextFileIndex.WHOLE_LINE:
                raise ValueError(f"TextFileInitializer: `{argument}` must be a column number >= 0 or a "
                                 f"TextFileIndex value, received {index!r}")
        if key_index == TextFileIndex.LINE_NUMBER and key_dtype != torch.int64 and key_dtype != "int64":
            raise ValueError("TextFileInitializer: keys taken from LINE_NUMBER must have key_dtype int64")
        self.key_dtype = string if key_dtype == string else config.standardize_dtype(key_dtype)
        self.value_dtype = string if value_dtype == string else config.standardize_dtype(value_dtype)
        self._key_index, self._value_index = key_index, value_index
        self._vocab_size, self._delimiter, self._offset = vocab_size, delimiter, value_index_offset

    def _field(self, line, number, index, dtype, what):
        if index == TextFileIndex.LINE_NUMBER:
            return number + (self._offset if what == "value" else 0)
        text = line if index == TextFileIndex.WHOLE_LINE else None
        if text is None:
            columns = line.split(self._delimiter)
            if index >= len(columns):
                raise ValueError(f"TextFileInitializer: line {number + 1} of {self._filename!r} has "
                                 f"{len(columns)} columns, the {what} column is {index}")
            text = columns[index]
        if dtype == string:
            return text
        return float(text) if dtype.is_floating_point else int(text)

    def _items(self):
        items = []
        with open(self._filename, encoding="utf-8") as f:
            for number, line in enumerate(f):
                if self._vocab_size is not None and number >= self._vocab_size:
                    break
                line = line.rstrip("\r\n")
                items.append((self._field(line, number, self._key_index, self.key_dtype, "key"),
                              self._field(line, number, self._value_index, self.value_dtype, "value")))
        return items


class _Table:
    def __init__(self, initializer):
        if not hasattr(initializer, "_items"):
            raise TypeError(f"`initializer` must be a tf.lookup KeyValueTensorInitializer or TextFileInitializer, "
                            f"received {type(initializer).__name__}")
        self._initializer = initializer
        self._table = dict(initializer._items())
        self.key_dtype, self.value_dtype = initializer.key_dtype, initializer.value_dtype

    @property
    def initializer(self):
        return self._initializer

    @property
    def resource_handle(self):
        return self

    def _keys(self, keys):
        if hasattr(keys, "values") and hasattr(keys, "with_values"):
            return None  # a SparseTensor or a RaggedTensor (`tf.strings.split` words): the caller maps its values
        array = _array(keys)
        if (self.key_dtype == string) != _is_text(array):
            raise TypeError(f"{type(self).__name__}.lookup: `keys` must be {self.key_dtype!s} like the table's "
                            f"keys, received {'strings' if _is_text(array) else array.dtype}")
        return array

    def lookup(self, keys, name=None):
        array = self._keys(keys)
        if array is None:
            return keys.with_values(self.lookup(keys.values))
        values = [self._find(k) for k in array.reshape(-1).tolist()]
        return _output(np.asarray(values).reshape(array.shape) if values else np.zeros(array.shape), self.value_dtype)

    __getitem__ = lookup

    def size(self, name=None):
        return wrap(torch.tensor(len(self._table), dtype=torch.int64))

    def export(self, name=None):
        return _output(list(self._table), self.key_dtype), _output(list(self._table.values()), self.value_dtype)


class StaticHashTable(_Table):
    def __init__(self, initializer, default_value, name=None, experimental_is_anonymous=False):
        super().__init__(initializer)
        default = _array(default_value).reshape(-1)
        if default.size != 1:
            raise ValueError(f"StaticHashTable: `default_value` must be a scalar, received shape {default.shape}")
        self._default = default.tolist()[0]
        self.default_value = _output(default.reshape(()), self.value_dtype)

    def _find(self, key):
        return self._table.get(key, self._default)


class StaticVocabularyTable(_Table):
    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None,
                 experimental_is_anonymous=False):
        if not isinstance(num_oov_buckets, int) or num_oov_buckets <= 0:
            raise ValueError(f"StaticVocabularyTable: `num_oov_buckets` must be a positive int, received "
                             f"{num_oov_buckets!r}")
        super().__init__(initializer)
        if self.value_dtype not in (torch.int64, torch.int32):
            raise TypeError(f"StaticVocabularyTable: the initializer's values must be int64 ids, received "
                            f"{self.value_dtype}")
        self._buckets = num_oov_buckets
        self._base = len(self._table)
        self.value_dtype = torch.int64

    def _find(self, key):
        found = self._table.get(key)
        if found is not None:
            return found
        bucket = int(fingerprint64([str(key)])[0]) % self._buckets
        return self._base + bucket

    def size(self, name=None):
        return wrap(torch.tensor(len(self._table) + self._buckets, dtype=torch.int64))


experimental = Namespace("tf.lookup.experimental")
__getattr__ = module_getattr("tf.lookup")
