"""Ragged sequences -> one rectangular array (`pad_sequences`), plus Keras 2's other sequence tools.

`pad_sequences` is the single implementation behind `tkeras.preprocessing.sequence.pad_sequences`
and `tkeras.utils.pad_sequences`. Padding a dataset of 25,000 reviews is a per-epoch or per-script
cost, so the common case (sequences of scalars into a numeric dtype) takes a fast path: long rows
are assigned as list slices that NumPy converts in C, many short rows go through one flat NumPy
scatter, and 2-D arrays are sliced whole; other cases (per-step feature vectors, strings, object
dtype) take the row-by-row path with Keras' exact semantics.

Pure Python and NumPy: importing this module does not import torch.
"""
from itertools import chain

import numpy as np

from tkeras.preprocessing._skipgrams import make_sampling_table, skipgrams
from tkeras.preprocessing._timeseries import TimeseriesGenerator

__all__ = ["pad_sequences", "skipgrams", "make_sampling_table", "TimeseriesGenerator"]

_SIDES = ("pre", "post")


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pad (with `value`) or cut every sequence to `maxlen` steps; returns (len(sequences), maxlen, ...).

    `truncating` says which end loses steps when a sequence is too long ('pre': keep the last
    `maxlen`), `padding` which end gets filled when it is too short. `maxlen=None` uses the longest.
    """
    for name, side in (("padding", padding), ("truncating", truncating)):
        if side not in _SIDES:
            raise ValueError(f"pad_sequences: `{name}` must be 'pre' or 'post', received {side!r}")
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__len__"):
        raise ValueError(
            f"pad_sequences: `sequences` must be a list (or array) of sequences, "
            f"received {type(sequences).__name__}: {sequences!r:.60}")
    if maxlen is not None:
        if isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen < 0:
            raise ValueError(f"pad_sequences: `maxlen` must be None or an integer >= 0, received {maxlen!r}")
        maxlen = int(maxlen)
    kind = np.dtype(dtype).kind
    if isinstance(value, str) and kind not in "OUS":
        raise ValueError(
            f"pad_sequences: `dtype` {dtype!r} is not compatible with the string `value` {value!r}; "
            f"use dtype=object (or a NumPy string dtype) for string padding.")

    lengths = _lengths(sequences)
    sample_shape = _sample_shape(sequences, lengths)
    if maxlen is None:
        maxlen = int(lengths.max()) if lengths.size else 0
    if sample_shape == () and kind in "biufc":
        result = _pad_scalars(sequences, lengths, maxlen, dtype, padding, truncating, value)
        if result is not None:
            return result
    return _pad_rows(sequences, lengths, maxlen, sample_shape, dtype, padding, truncating, value)


def _lengths(sequences):
    try:
        return np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    except TypeError:
        for position, sequence in enumerate(sequences):
            if not hasattr(sequence, "__len__"):
                raise ValueError(
                    f"pad_sequences: `sequences` must be a list of iterables; item {position} is "
                    f"{type(sequence).__name__}: {sequence!r:.60}") from None
        raise


def _sample_shape(sequences, lengths):
    """The per-step shape, taken from the first non-empty sequence (Keras' rule)."""
    nonempty = np.flatnonzero(lengths)
    if not nonempty.size:
        return ()
    first = sequences[int(nonempty[0])]
    if isinstance(first, (list, tuple)) and not isinstance(first[0], (list, tuple, np.ndarray)):
        return ()
    return np.asarray(first).shape[1:]


# Below this mean kept length, per-row Python overhead outweighs per-element conversion cost and
# one flat scatter wins; above it, assigning each row's list slice (converted in C) is faster.
_ROW_WISE_MIN_MEAN_LENGTH = 32


def _pad_scalars(sequences, lengths, maxlen, dtype, padding, truncating, value):
    """Sequences of scalars into a numeric dtype: the fast paths.

    Returns None when some sequence turns out to hold non-scalars (the general path reports it).
    """
    count = len(lengths)
    result = np.full((count, maxlen), value, dtype=dtype)
    if maxlen == 0 or not count:
        return result
    kept = np.minimum(lengths, maxlen)
    target_starts = (maxlen - kept) if padding == "pre" else np.zeros_like(kept)
    if isinstance(sequences, np.ndarray) and sequences.ndim == 2 and sequences.dtype != object:
        width = int(kept[0])
        source = sequences[:, sequences.shape[1] - width:] if truncating == "pre" else sequences[:, :width]
        result[:, int(target_starts[0]):int(target_starts[0]) + width] = source
        return result
    if kept.mean() >= _ROW_WISE_MIN_MEAN_LENGTH:
        try:
            for row, sequence, size, start in zip(result, sequences, kept.tolist(), target_starts.tolist()):
                if size == len(sequence):
                    row[start:start + size] = sequence
                elif size:
                    row[start:start + size] = sequence[-size:] if truncating == "pre" else sequence[:size]
        except (TypeError, ValueError):
            return None
        return result
    try:
        flat = np.fromiter(chain.from_iterable(sequences), dtype=dtype, count=int(lengths.sum()))
    except (TypeError, ValueError):
        return None
    starts = np.cumsum(lengths) - lengths
    source_starts = starts + (lengths - kept if truncating == "pre" else 0)
    # Position of every kept step inside its own run: 0, 1, ..., kept-1 for each sequence.
    total = int(kept.sum())
    run_offsets = np.arange(total) - np.repeat(np.cumsum(kept) - kept, kept)
    rows = np.repeat(np.arange(count), kept)
    result[rows, np.repeat(target_starts, kept) + run_offsets] = flat[np.repeat(source_starts, kept) + run_offsets]
    return result


def _pad_rows(sequences, lengths, maxlen, sample_shape, dtype, padding, truncating, value):
    result = np.full((len(lengths), maxlen) + tuple(sample_shape), value, dtype=dtype)
    if maxlen == 0:
        return result
    for position, sequence in enumerate(sequences):
        if not lengths[position]:
            continue
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != tuple(sample_shape):
            raise ValueError(
                f"pad_sequences: every step must have shape {tuple(sample_shape)} (taken from the first "
                f"non-empty sequence), but sequence {position} has steps of shape {kept.shape[1:]}")
        if padding == "post":
            result[position, :len(kept)] = kept
        else:
            result[position, -len(kept):] = kept
    return result
