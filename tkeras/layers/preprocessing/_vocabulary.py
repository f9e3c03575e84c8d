"""Vocabulary rules shared by the layers that learn one (TextVectorization, StringLookup, IntegerLookup).

They live in one place so that every tkeras layer ranks, reads and checks a vocabulary the way Keras
does; a vocabulary learned by `adapt` in Keras and in tkeras then gives the same indices.
"""
import os

import numpy as np


def ranked_tokens(counts, limit=None):
    """The tokens of a `Counter`, most frequent first, ties broken by the token in descending order
    (Keras sorts with a reversed lexsort), keeping at most `limit` of them."""
    ranked = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
    if limit is not None:
        ranked = ranked[:max(limit, 0)]
    return [token for token, _ in ranked]


def as_numpy_tokens(tokens):
    """The tokens as `get_vocabulary()` hands them out: NumPy scalars (np.str_, np.int64), as Keras
    exports them from its lookup table, so a printed vocabulary reads `np.str_('cat')` under NumPy 2 as
    in Keras. The special tokens the layers put in front stay Python values, as Keras' do."""
    return list(np.asarray(tokens)) if len(tokens) else []


def read_vocabulary_file(path, encoding="utf-8", owner="the layer"):
    """One token per line, the whole line (without its line break) being the token, as TensorFlow's
    text-file table initializer reads it.

    A path inside a config being loaded would read a file from outside the model archive: safe mode
    refuses it, as Keras does. Only regular files are read (never a device such as /dev/zero, a pipe
    or a folder), whoever asks."""
    from tkeras.saving import safe_mode
    if safe_mode.in_safe_mode():
        from tkeras.saving.errors import UnsafeLoadError
        raise UnsafeLoadError(
            f"{owner}: its config names the vocabulary file {str(path)[:200]!r}, outside the model archive "
            f"(rule: foreign files; a file could read any file on this machine this way). {safe_mode.OPT_IN}")
    if not os.path.isfile(path):
        kind = "does not exist" if not os.path.exists(path) else "is not a regular file"
        raise ValueError(f"{owner}: the vocabulary file {path!r} {kind}; pass the path of a text file with "
                         f"one token per line, or a list of tokens")
    with open(path, encoding=encoding) as stream:
        return [line.rstrip("\n") for line in stream]


def repeated_tokens(tokens):
    """The tokens that occur more than once (sorted), for an error message."""
    seen, repeated = set(), set()
    for token in tokens:
        (repeated if token in seen else seen).add(token)
    return sorted(repeated)


def inverse_document_frequency(document_counts, documents):
    """Keras' smoothed idf: log(1 + documents / (1 + documents containing the token))."""
    return np.log(1 + documents / (1 + np.asarray(document_counts, dtype=np.float64)))


def _is_pandas(value):
    return type(value).__module__.partition(".")[0] == "pandas" and hasattr(value, "to_numpy")


def adapt_batches(data, steps=None, single_batch=None):
    """The batches `adapt(data)` reads: `data` itself when it is one batch (`single_batch(data)` says
    so), otherwise each element of the iterable (a tf.data Dataset, a generator, a list of arrays),
    keeping only the inputs of `(x, y)` / `(x, y, sample_weight)` elements and stopping after `steps`.
    A pandas DataFrame or Series is one batch of its values, as tf-keras 2 reads it (iterating a frame
    would give its column names)."""
    if _is_pandas(data):
        yield data.to_numpy()
        return
    if single_batch is not None and single_batch(data):
        yield data
        return
    if not hasattr(data, "__iter__"):
        raise TypeError(f"adapt() expects an array or an iterable of batches, received {type(data).__name__}")
    for step, batch in enumerate(data):
        if steps is not None and step >= steps:
            return
        yield batch[0] if isinstance(batch, tuple) else batch
