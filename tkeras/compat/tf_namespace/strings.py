"""`tf.strings`: the text functions that TextVectorization examples call (a custom `standardize` with
`lower` and `regex_replace`, a custom `split`), on tkeras' string tensors.

A string tensor in tkeras is a NumPy array of `str` (what `tf.data` carries for text); a scalar is a
Python `str`, so TextVectorization (which hands its callables one text at a time) and plain Python
string code both take the results. Both answer `.numpy()` with UTF-8 bytes, as TensorFlow's do.

TensorFlow's string kernels work on those bytes, so these do too: `lower`/`upper` change ASCII letters
only (unless given an encoding), `strip` and `split` cut at ASCII whitespace, `substr` counts bytes,
`join` concatenates bytes, and none of them needs the text to be UTF-8. A result that is not UTF-8
(`substr` inside a character, an input that never was) stays bytes, as `_unicode.text_result` keeps it.

Patterns are Python regular expressions, which agree with TensorFlow's RE2 on the usual classes, groups
and `\\1` references; RE2's `\\0` (the whole match) is understood too. As RE2 does, they match UTF-8
characters, and a byte that is not part of one is never part of a match: replacements happen within the
UTF-8 runs around such bytes (where `^` and `$` then also match at the run's ends), and a full match
fails.
"""
import builtins
import functools
import re

import numpy as np
import torch

from tkeras.compat.tf_namespace._string_ops import (  # noqa: F401 - tf.strings names
    format, ngrams, to_hash_bucket, to_hash_bucket_fast, to_hash_bucket_strong, unsorted_segment_join,
)
from tkeras.compat.tf_namespace._text import text_face
from tkeras.compat.tf_namespace._unicode import (  # noqa: F401 - tf.strings names
    bytes_split, per_string, raw_bytes, text_result, text_values, unicode_decode, unicode_decode_with_offsets,
    unicode_encode, unicode_script, unicode_split, unicode_split_with_offsets, unicode_transcode,
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


def _bytes(value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _bytewise(value, api, change):
    """`change` on each string's bytes, as TensorFlow's kernels work; a result that is not UTF-8 stays bytes."""
    array = raw_bytes(value, api)
    return text_result([change(data) for data in array.ravel()], array.shape)


def _in_utf8(change, api):
    """`change` of a str applied to UTF-8 bytes (for encoding='utf-8', which reads characters)."""
    def on_bytes(data):
        try:
            return change(data.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"tf.strings.{api}: encoding='utf-8' but the input {data!r:.60} is not valid "
                             f"UTF-8") from None
    return on_bytes


@_ragged_elementwise
def lower(input, encoding="", name=None):  # noqa: A002 - TensorFlow's argument name
    """Lower case: ASCII letters only by default (bytes.lower), as TensorFlow; every letter with
    encoding='utf-8'."""
    return _bytewise(input, "lower", _in_utf8(str.lower, "lower") if encoding else bytes.lower)


@_ragged_elementwise
def upper(input, encoding="", name=None):  # noqa: A002
    return _bytewise(input, "upper", _in_utf8(str.upper, "upper") if encoding else bytes.upper)


@_ragged_elementwise
def strip(input, name=None):  # noqa: A002
    """Leading and trailing ASCII whitespace removed (a no-break space stays, as in TensorFlow)."""
    return _bytewise(input, "strip", bytes.strip)


def _utf8_runs(data):
    """The UTF-8 runs of `data` and the bytes outside UTF-8 between them: [run, bytes, run, ..., run]."""
    text = data.decode("utf-8", "surrogateescape")  # a byte outside UTF-8 becomes a lone surrogate
    return [piece if index % 2 == 0 else piece.encode("utf-8", "surrogateescape")
            for index, piece in enumerate(_OUTSIDE_UTF8.split(text))]


_OUTSIDE_UTF8 = re.compile("([\udc80-\udcff]+)")


def _decoded_text(value):
    """`value` when it is text tkeras already holds decoded (a str, a str array): UTF-8 throughout, so a
    pattern runs on it as it is, without the trip through bytes."""
    if isinstance(value, str):
        return np.asarray(value)
    return value if isinstance(value, np.ndarray) and value.dtype.kind == "U" else None


def _pattern(pattern, api):
    try:
        return re.compile(_bytes(pattern).decode("utf-8"))
    except re.error as error:
        raise ValueError(f"tf.strings.{api}: invalid regular expression {pattern!r}: {error}") from None


@_ragged_elementwise
def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """Every match of `pattern` (only the first with `replace_global=False`) replaced by `rewrite`."""
    compiled = _pattern(pattern, "regex_replace")
    rewrite = re.sub(r"\\0", r"\\g<0>", _bytes(rewrite).decode("utf-8"))
    texts = _decoded_text(input)
    if texts is not None:
        def change(text):
            return compiled.sub(rewrite, text, count=0 if replace_global else 1)
        return _face(np.vectorize(change, otypes=[str])(texts) if texts.size else texts)

    def replace(data):
        pieces, left = _utf8_runs(data), None if replace_global else 1
        for index in range(0, builtins.len(pieces), 2):
            if left != 0:
                pieces[index], made = compiled.subn(rewrite, pieces[index], count=left or 0)
                left = None if left is None else left - made
            pieces[index] = pieces[index].encode("utf-8")
        return b"".join(pieces)
    return _bytewise(input, "regex_replace", replace)


@_ragged_elementwise
def regex_full_match(input, pattern, name=None):  # noqa: A002
    compiled = _pattern(pattern, "regex_full_match")
    array = raw_bytes(input, "regex_full_match")

    def full_match(data):
        runs = _utf8_runs(data)
        return builtins.len(runs) == 1 and compiled.fullmatch(runs[0]) is not None
    matches = [full_match(data) for data in array.ravel()]
    return for_user(torch.from_numpy(np.asarray(matches, dtype=bool).reshape(array.shape)))


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002
    """One string -> a 1-D array of its pieces (on runs of ASCII whitespace without `sep`, dropping
    empties; on each `sep` with it, keeping them). Several strings -> a RaggedTensor, one row per string."""
    array = raw_bytes(input, "split")
    sep = None if sep is None else _bytes(sep)
    if sep == b"":
        raise ValueError("tf.strings.split: `sep` must not be empty (use tf.strings.unicode_split for characters)")
    if array.ndim == 0:
        found = array[()].split(sep, maxsplit)
        return text_result(found, (builtins.len(found),))
    return per_string(array, lambda data: data.split(sep, maxsplit), text_values)


def join(inputs, separator="", name=None):
    """Elementwise concatenation of several string tensors (broadcast against each other)."""
    parts = np.broadcast_arrays(*[raw_bytes(part, "join") for part in inputs])
    separator = _bytes(separator)
    shape = parts[0].shape if parts else ()
    return text_result([separator.join(texts) for texts in zip(*(part.ravel() for part in parts))], shape)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """The strings along `axis` (all of them by default) concatenated with `separator`."""
    array, separator = raw_bytes(inputs, "reduce_join"), _bytes(separator)
    if axis is None:
        return text_result([separator.join(array.ravel().tolist())], (1,) * array.ndim if keepdims else ())
    axis = int(axis) % max(array.ndim, 1)
    rows = np.moveaxis(array, axis, -1)
    joined = [separator.join(row.tolist()) for row in rows.reshape(-1, rows.shape[-1])]
    shape = rows.shape[:-1]
    return text_result(joined, shape[:axis] + (1,) + shape[axis:] if keepdims else shape)


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

    def cut(units):
        start = pos if pos >= 0 else builtins.len(units) + pos
        return units[start:start + count]
    return _bytewise(input, "substr", cut if unit == "BYTE" else _in_utf8(cut, "substr"))


@_ragged_elementwise
def to_number(string_tensor, out_type=torch.float32, name=None):
    """Parses each string as a number of `out_type` (float32 by default)."""
    array = raw_bytes(string_tensor, "to_number")  # (float() and int() read ASCII digits from bytes)
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
