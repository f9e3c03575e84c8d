"""`tf.compat`'s text, path and dimension helpers: the small conversions TF 1-era code calls everywhere."""
import datetime
import numbers
import os

import numpy as np

bytes_or_text_types = (bytes, str)
integral_types = (numbers.Integral, np.integer)
real_types = (numbers.Real, np.integer, np.floating)
complex_types = (numbers.Complex, np.number)


def as_bytes(bytes_or_text, encoding="utf-8"):
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding="utf-8"):
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value, encoding="utf-8"):
    return as_str(value, encoding) if isinstance(value, bytes) else str(value)


def path_to_str(path):
    return os.fspath(path) if isinstance(path, os.PathLike) else path


def dimension_value(dimension):
    """An int (or None) whether `dimension` is already one or a TF 1 Dimension object with `.value`."""
    return getattr(dimension, "value", dimension)


class _Dimension:
    """TF 1's Dimension as dimension_at_index returns it: `.value` is the size or None."""

    def __init__(self, value):
        self.value = value

    def __int__(self):
        return self.value

    def __eq__(self, other):
        return self.value == getattr(other, "value", other)

    def __hash__(self):
        return hash(self.value)

    def __repr__(self):
        return f"Dimension({self.value})"


def dimension_at_index(shape, index):
    dims = getattr(shape, "dims", shape) if shape is not None else None
    try:
        dims = None if dims is None else list(dims)
    except (TypeError, ValueError):  # a shape of unknown rank
        dims = None
    if dims is None:
        return _Dimension(None)
    return _Dimension(dimension_value(dims[index]))


# TF 2.21's frozen forward-compatibility date: code guarded by an earlier date takes the new path.
_HORIZON = [datetime.date(2026, 1, 16)]


def forward_compatible(year, month, day):
    return _HORIZON[0] > datetime.date(year, month, day)


class forward_compatibility_horizon:  # noqa: N801 - TensorFlow's name
    """Moves the horizon for a block, as TensorFlow's tests of new op versions do."""

    def __init__(self, year, month, day):
        self._date = datetime.date(year, month, day)

    def __enter__(self):
        self._saved = _HORIZON[0]
        _HORIZON[0] = self._date

    def __exit__(self, *exc):
        _HORIZON[0] = self._saved
