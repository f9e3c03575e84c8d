"""`tf.print`: TensorFlow's own text for tensors, which differs from NumPy's and from `print(t)`.

Readers compare what their notebooks show with the book's recorded output, so the details matter:
TensorFlow shows only the first and last `summarize` (default 3) entries of each dimension with `...`
between, prints each float with the fewest of 6 or 9 significant digits (15 or 17 for float64) that
still read back as the same value, shows booleans as 1/0 and strings in double quotes, and writes to
standard error unless `output_stream` says otherwise. Python values that are not tensors (lists, dicts,
shapes, NumPy arrays) are laid out by `pprint`, with any tensors inside them shown as above.
"""
import pprint
import sys

import numpy as np
import torch

from tkeras.compat.tf_namespace._text_variable import TextVariable
from tkeras.data.text_face import TEXT_TENSOR_TYPES

DEFAULT_SUMMARIZE = 3


def _float_text(value, short_digits, long_digits, same):
    if np.isnan(value):
        return "-nan" if np.signbit(value) else "nan"
    text = "%.*g" % (short_digits, value)
    return text if same(float(text), value) else "%.*g" % (long_digits, value)


def _element_formatter(array, source_dtype):
    """One function turning an element of `array` into TensorFlow's text for `source_dtype`'s kind."""
    if array.dtype.kind in "SUO":
        return lambda item: '"' + _escaped(item) + '"'
    if array.dtype == np.bool_:
        return lambda item: "1" if item else "0"
    if array.dtype.kind == "c":
        return lambda item: "?"  # TensorFlow's printer has no text for complex numbers either
    if array.dtype.kind == "f":
        if source_dtype == torch.float64:
            return lambda item: _float_text(float(item), 15, 17, lambda a, b: a == b)
        # float16 and bfloat16 are printed as the float32 they widen to, as TensorFlow does
        return lambda item: _float_text(float(item), 6, 9, lambda a, b: np.float32(a) == np.float32(b))
    return lambda item: str(int(item))


def _escaped(item):
    """C-style escapes for control characters, quotes and backslashes; UTF-8 text left readable."""
    data = item if isinstance(item, bytes) else str(item).encode("utf-8")
    named = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x22: '\\"', 0x27: "\\'", 0x5C: "\\\\"}
    out = bytearray()
    for byte in data:
        if byte in named:
            out += named[byte].encode()
        elif byte < 0x20 or byte == 0x7F:
            out += ("\\%03o" % byte).encode()
        else:
            out.append(byte)
    return out.decode("utf-8", errors="replace")


def _dim_spacing(dim, rank):
    if dim == rank - 1:
        return " "
    return "\n" * (rank - dim - 1) + " " * (dim + 1)


def _nested_text(array, format_element, at_ends):
    rank = array.ndim
    pieces = []

    def visit(dim, index):
        if dim == rank:
            pieces.append(format_element(array[index]))
            return
        pieces.append("[")
        count = array.shape[dim]
        for i in range(min(at_ends, count)):
            if i > 0:
                pieces.append(_dim_spacing(dim, rank))
            visit(dim + 1, index + (i,))
        if count > 2 * at_ends:
            pieces.append(_dim_spacing(dim, rank))
            pieces.append("...")
        for i in range(max(at_ends, count - at_ends), count):
            pieces.append(_dim_spacing(dim, rank))
            visit(dim + 1, index + (i,))
        pieces.append("]")

    visit(0, ())
    return "".join(pieces)


def tensor_text(tensor, summarize=DEFAULT_SUMMARIZE):
    """A tensor's values as tf.print shows them; `summarize=-1` (or None) shows every entry."""
    source_dtype = None
    if isinstance(tensor, torch.Tensor):
        source_dtype = tensor.dtype
        plain = tensor.detach().cpu().as_subclass(torch.Tensor)
        if plain.dtype in (torch.float16, torch.bfloat16):
            plain = plain.float()
        array = plain.numpy()
    elif isinstance(tensor, (str, bytes)):
        array = np.array(tensor.encode("utf-8") if isinstance(tensor, str) else bytes(tensor), dtype=object)
    else:
        array = np.asarray(tensor)
    format_element = _element_formatter(array, source_dtype)
    if array.ndim == 0:
        return format_element(array[()])
    at_ends = array.size if summarize is None or summarize < 0 else min(summarize, array.size)
    return _nested_text(array, format_element, at_ends)


def _ragged_text(ragged):
    def show(item):
        if isinstance(item, list):
            return "[" + ", ".join(show(entry) for entry in item) + "]"
        if isinstance(item, float):
            return "%f" % item
        if isinstance(item, bytes):
            return '"' + _escaped(item) + '"'
        return str(item)
    return show(ragged.to_list())


def _is_ragged(value):
    return type(value).__name__ == "RaggedTensor" and hasattr(value, "to_list")


def _is_tensor(value):
    return isinstance(value, (torch.Tensor, TextVariable) + TEXT_TENSOR_TYPES) or _is_ragged(value)


class _Shown:
    """Stands in for a tensor inside a Python structure: pprint lays the structure out, this shows the values."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _value_text(value, summarize):
    if isinstance(value, TextVariable):
        value = value.read_value()
    if _is_ragged(value):
        return _ragged_text(value)
    return tensor_text(value, summarize)


def _with_tensors_shown(value, summarize):
    if _is_tensor(value):
        return _Shown(_value_text(value, summarize))
    if isinstance(value, dict):
        return {key: _with_tensors_shown(item, summarize) for key, item in value.items()}
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return type(value)(_with_tensors_shown(item, summarize) for item in value)
    return value


def input_text(value, summarize):
    """One argument of tf.print as text: a Python str as it is, a tensor as its values, anything else
    through pprint (so a list of tensors shows as `[[1 2], [3 4]]` and a dict's keys come sorted)."""
    if _is_tensor(value):
        return _value_text(value, summarize)
    if isinstance(value, str):
        return value
    return pprint.pformat(_with_tensors_shown(value, summarize))


def tf_print(*inputs, output_stream=None, summarize=DEFAULT_SUMMARIZE, sep=" ", end="\n", name=None):
    text = sep.join(input_text(value, summarize) for value in inputs)
    stream = sys.stderr if output_stream is None else output_stream
    if isinstance(stream, str):
        if not stream.startswith("file://"):
            raise ValueError(f"tf.print: output_stream must be sys.stdout, sys.stderr, a logging function or "
                             f"a 'file://' path; received the string {stream!r}")
        with open(stream[len("file://"):], "a", encoding="utf-8") as file:
            file.write(text + end)
    elif hasattr(stream, "write"):
        stream.write(text + end)
    elif callable(stream):  # tf.compat.v1.logging.info, absl's logging.warning, ...
        stream(text)
    else:
        raise ValueError(f"tf.print: output_stream must be sys.stdout, sys.stderr, a logging function or a "
                         f"'file://' path; received {stream!r}")
