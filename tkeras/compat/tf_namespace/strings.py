"""`tf.strings`: the text functions that TextVectorization examples call (a custom `standardize` with
`lower` and `regex_replace`, a custom `split`), on tkeras' string tensors.

A string tensor in tkeras is a NumPy array of `str` (what `tf.data` carries for text); a scalar is a
Python `str`, so TextVectorization (which hands its callables one text at a time) and plain Python
string code both take the results. Both answer `.numpy()` with UTF-8 bytes, as TensorFlow's do. Bytes
are decoded as UTF-8. Patterns are Python regular expressions, which agree with TensorFlow's RE2 on the usual classes, groups and `\\1`
references; RE2's `\\0` (the whole match) is understood too.
"""
import builtins
import functools
import re
import string

import numpy as np
import torch

from tkeras.compat.tf_namespace._string_ops import (  # noqa: F401 - tf.strings names
    format, ngrams, to_hash_bucket, to_hash_bucket_fast, to_hash_bucket_strong, unsorted_segment_join,
)
from tkeras.compat.tf_namespace._text import text_face
from tkeras.compat.tf_namespace._unicode import (  # noqa: F401 - tf.strings names
    bytes_split, per_string, raw_bytes, text_values, unicode_decode, unicode_decode_with_offsets, unicode_encode,
    unicode_script, unicode_split, unicode_split_with_offsets, unicode_transcode,
)
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.core import for_user, to_torch_dtype


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def as_strings(value, api="constant"):
    """Any string, bytes or nested list/array of them as a NumPy str array (0-d for one string)."""
    if isinstance(value, torch.Tensor):
        raise TypeError(f"tf.strings.{api}: expected strings, received a {value.dtype} tensor "
                        "(use tf.strings.as_string to format numbers)")
    array = np.asarray(value, dtype=object)
    return np.vectorize(_text, otypes=[str])(array) if array.size else array.astype(str)


def _face(array):
    """A 0-d result as a StringScalar (a Python str), anything else as a StringArray (see `_text`)."""
    return text_face(np.asarray(array))


def _ragged_elementwise(op):
    """TensorFlow dispatches elementwise string ops over a RaggedTensor's values, keeping its rows:
    `tf.strings.to_number(tf.strings.split(ratings, ","))` (keras-io's movielens example) stays ragged."""
    @functools.wraps(op)
    def dispatch(input, *args, **kwargs):  # noqa: A002 - TensorFlow's argument name
        if hasattr(input, "flat_values") and hasattr(input, "with_flat_values"):
            return input.with_flat_values(op(input.flat_values, *args, **kwargs))
        return op(input, *args, **kwargs)
    return dispatch


def _elementwise(value, api, fn):
    array = as_strings(value, api)
    return _face(np.vectorize(fn, otypes=[str])(array) if array.size else array)


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


@_ragged_elementwise
def lower(input, encoding="", name=None):  # noqa: A002 - TensorFlow's argument name
    """Lower case: ASCII letters only by default, as TensorFlow; every letter with encoding='utf-8'."""
    change = str.lower if encoding else (lambda s: s.translate(_ASCII_LOWER))
    return _elementwise(input, "lower", change)


@_ragged_elementwise
def upper(input, encoding="", name=None):  # noqa: A002
    change = str.upper if encoding else (lambda s: s.translate(_ASCII_UPPER))
    return _elementwise(input, "upper", change)


@_ragged_elementwise
def strip(input, name=None):  # noqa: A002
    """Leading and trailing whitespace removed."""
    return _elementwise(input, "strip", str.strip)


def _pattern(pattern, api):
    try:
        return re.compile(_text(pattern))
    except re.error as error:
        raise ValueError(f"tf.strings.{api}: invalid regular expression {pattern!r}: {error}") from None


@_ragged_elementwise
def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """Every match of `pattern` (only the first with `replace_global=False`) replaced by `rewrite`."""
    compiled = _pattern(pattern, "regex_replace")
    rewrite = re.sub(r"\\0", r"\\g<0>", _text(rewrite))
    count = 0 if replace_global else 1
    return _elementwise(input, "regex_replace", lambda s: compiled.sub(rewrite, s, count=count))


@_ragged_elementwise
def regex_full_match(input, pattern, name=None):  # noqa: A002
    compiled = _pattern(pattern, "regex_full_match")
    array = as_strings(input, "regex_full_match")
    matches = np.vectorize(lambda s: compiled.fullmatch(s) is not None, otypes=[bool])(array)
    return for_user(torch.from_numpy(np.asarray(matches, dtype=bool)))


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002
    """One string -> a 1-D array of its pieces (on runs of whitespace without `sep`, dropping empties;
    on each `sep` with it, keeping them). Several strings -> a RaggedTensor, one row per string."""
    array = as_strings(input, "split")
    sep = None if sep is None else _text(sep)
    if sep == "":
        raise ValueError("tf.strings.split: `sep` must not be empty (use tf.strings.unicode_split for characters)")
    if array.ndim == 0:
        return text_face(np.asarray(str(array[()]).split(sep, maxsplit), dtype=str))
    pieces = lambda data: [p.encode("utf-8") for p in data.decode("utf-8").split(sep, maxsplit)]  # noqa: E731
    return per_string(raw_bytes(array, "split"), pieces, text_values)


def join(inputs, separator="", name=None):
    """Elementwise concatenation of several string tensors (broadcast against each other)."""
    parts = np.broadcast_arrays(*[as_strings(part, "join") for part in inputs])
    joined = np.vectorize(lambda *texts: _text(separator).join(texts), otypes=[str])(*parts)
    return _face(np.asarray(joined))


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """The strings along `axis` (all of them by default) concatenated with `separator`."""
    array = as_strings(inputs, "reduce_join")
    if axis is None:
        joined = np.asarray(_text(separator).join(array.ravel().tolist()))
        return _face(joined.reshape((1,) * array.ndim) if keepdims else joined)
    joined = np.apply_along_axis(lambda row: _text(separator).join(row.tolist()), int(axis), array.astype(object))
    joined = np.asarray(joined, dtype=str)
    return _face(np.expand_dims(joined, int(axis)) if keepdims else joined)


@_ragged_elementwise
def length(input, unit="BYTE", name=None):  # noqa: A002
    """Lengths in UTF-8 bytes (`unit='BYTE'`, TensorFlow's default) or in characters ('UTF8_CHAR'), int32."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"tf.strings.length: `unit` must be 'BYTE' or 'UTF8_CHAR', received {unit!r}")
    # BYTE counts the bytes themselves: binary contents (a JPEG, trailing NUL bytes) are not UTF-8 text
    array = raw_bytes(input, "length") if unit == "BYTE" else as_strings(input, "length")
    counts = np.vectorize(builtins.len, otypes=[np.int32])(array) if array.size else np.zeros(array.shape, np.int32)
    return for_user(torch.from_numpy(np.asarray(counts, dtype=np.int32)))


@_ragged_elementwise
def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002
    """`len` bytes (or characters with unit='UTF8_CHAR') starting at `pos` (negative: from the end)."""
    pos, count = int(pos), int(len)

    def cut(text):
        units = text.encode("utf-8") if unit == "BYTE" else text
        start = pos if pos >= 0 else builtins.len(units) + pos
        piece = units[start:start + count]
        return piece.decode("utf-8", errors="ignore") if unit == "BYTE" else piece
    return _elementwise(input, "substr", cut)


@_ragged_elementwise
def to_number(string_tensor, out_type=torch.float32, name=None):
    """Parses each string as a number of `out_type` (float32 by default)."""
    array = as_strings(string_tensor, "to_number")
    dtype = to_torch_dtype(out_type)
    try:
        values = np.vectorize(float if dtype.is_floating_point else int, otypes=[np.float64])(array)
    except ValueError as error:
        raise ValueError(f"tf.strings.to_number: {error}") from None
    return for_user(torch.as_tensor(np.asarray(values)).to(dtype))


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="", name=None):  # noqa: A002
    """Numbers formatted as strings: integers plainly, floats with six decimals unless told otherwise."""
    values = input.detach().cpu().numpy() if isinstance(input, torch.Tensor) else np.asarray(input)
    if values.dtype.kind == "f":
        kind = "g" if shortest else ("e" if scientific else "f")
        spec = f"{'.' + str(precision) if precision >= 0 else ''}{kind}"
    else:
        spec = ""
    pad = f"{fill or ''}>{width}" if width > 0 else ""
    formatted = np.vectorize(lambda v: builtins.format(v.item() if hasattr(v, "item") else v, pad + spec), otypes=[str])
    return _face(np.asarray(formatted(values)))


__getattr__ = module_getattr("tf.strings")
