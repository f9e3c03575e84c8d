"""`tf.strings` functions that build new strings or numbers from text: n-grams, hash buckets, templates and
segment joins.

The three hash-bucket functions must put a string in the same bucket TensorFlow does (models hash
vocabularies with them), so each uses the hash TensorFlow names: its own 64-bit Murmur-style `Hash64`
for `to_hash_bucket`, FarmHash's Fingerprint64 for `_fast` and keyed SipHash-2-4 for `_strong`, the last
two shared with Keras' Hashing layer (layers/preprocessing).
"""
import numpy as np
import torch

from tkeras.compat.tf_namespace._ragged_tensor import RaggedTensor, invalid_argument, present
from tkeras.compat.tf_namespace._unicode import raw_bytes, text_result, text_values
from tkeras.layers.preprocessing._fingerprint import fingerprint64_bytes
from tkeras.layers.preprocessing._keyed_hash import siphash24
from tkeras.ops.core import for_user

_MASK = (1 << 64) - 1
_MURMUR_MUL = 0xC6A4A7935BD1E995
_TF_HASH_SEED = 0xDECAFCAFFE


def tf_hash64(data, seed=_TF_HASH_SEED):
    """TensorFlow's legacy `Hash64`: MurmurHash64A over little-endian 8-byte words, then the tail bytes."""
    h = (seed ^ ((len(data) * _MURMUR_MUL) & _MASK)) & _MASK
    whole = len(data) - len(data) % 8
    for at in range(0, whole, 8):
        k = (int.from_bytes(data[at:at + 8], "little") * _MURMUR_MUL) & _MASK
        k = ((k ^ (k >> 47)) * _MURMUR_MUL) & _MASK
        h = ((h ^ k) * _MURMUR_MUL) & _MASK
    tail = data[whole:]
    if tail:
        h = ((h ^ int.from_bytes(tail, "little")) * _MURMUR_MUL) & _MASK
    h = ((h ^ (h >> 47)) * _MURMUR_MUL) & _MASK
    return h ^ (h >> 47)


def _buckets(input, num_buckets, hash_fn, api):  # noqa: A002
    count = int(num_buckets)
    if count < 1:
        raise invalid_argument(f"tf.strings.{api}: num_buckets must be at least 1, received {num_buckets}")
    if isinstance(input, RaggedTensor):
        # hashing is per string: words split into ragged rows (`tf.strings.split`) keep their rows
        return input.with_flat_values(_buckets(input.flat_values, num_buckets, hash_fn, api))
    array = raw_bytes(input, api)
    ids = np.fromiter((hash_fn(s) % count for s in array.ravel()), dtype=np.int64, count=array.size)
    return for_user(torch.from_numpy(ids.reshape(array.shape)))


def to_hash_bucket(string_tensor, num_buckets, name=None):
    """Buckets by TensorFlow's original string hash (`Hash64`), int64; kept for old checkpoints."""
    return _buckets(string_tensor, num_buckets, tf_hash64, "to_hash_bucket")


def to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """Buckets by FarmHash Fingerprint64 (stable across platforms and releases), int64."""
    return _buckets(input, num_buckets, fingerprint64_bytes, "to_hash_bucket_fast")


def to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """Buckets by SipHash-2-4 under `key` (two integers), int64."""
    key = [int(k) for k in (key.tolist() if isinstance(key, torch.Tensor) else key)]
    if len(key) != 2:
        raise ValueError(f"tf.strings.to_hash_bucket_strong: `key` must be two integers, received {key}")
    return _buckets(input, num_buckets, lambda s: siphash24(key[0], key[1], s), "to_hash_bucket_strong")


# ---- ngrams ------------------------------------------------------------------------------------------
def _row_ngrams(tokens, widths, separator, pads, padding_width, preserve):
    out = []
    for width in widths:
        pad = 0 if pads is None else (width - 1 if padding_width is None else min(padding_width, width - 1))
        padded = [pads[0]] * pad + tokens + [pads[1]] * pad if pads else tokens
        out.extend(separator.join(padded[i:i + width]) for i in range(len(padded) - width + 1))
    if preserve and not out and tokens:
        width = widths[0]
        pad = 0 if pads is None else (width - 1 if padding_width is None else min(padding_width, width - 1))
        out.append(separator.join([pads[0]] * pad + tokens + [pads[1]] * pad if pads else tokens))
    return out


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None,
           preserve_short_sequences=False, name=None):
    """N-grams of each row of tokens (the innermost dimension), joined with `separator`."""
    widths = [int(w) for w in (ngram_width if isinstance(ngram_width, (list, tuple)) else [ngram_width])]
    if any(w < 1 for w in widths):
        raise ValueError(f"tf.strings.ngrams: ngram_width must be at least 1, received {ngram_width}")
    if padding_width is not None and int(padding_width) < 1:
        raise ValueError(f"tf.strings.ngrams: padding_width must be at least 1, received {padding_width}")
    if pad_values is not None:
        if isinstance(pad_values, (str, bytes)):
            pad_values = (pad_values, pad_values)
        if len(pad_values) != 2:
            raise ValueError("tf.strings.ngrams: pad_values must be a string or a (left, right) pair")
        pads = tuple(p if isinstance(p, bytes) else str(p).encode("utf-8") for p in pad_values)
    else:
        pads = None
    sep = separator if isinstance(separator, bytes) else str(separator).encode("utf-8")
    grams = lambda row: _row_ngrams(list(row), widths, sep, pads, padding_width, preserve_short_sequences)  # noqa
    if isinstance(data, RaggedTensor):
        if data.ragged_rank != 1:
            return data.with_values(ngrams(data.values, ngram_width, separator, pad_values, padding_width,
                                           preserve_short_sequences))
        rows = [grams(row) for row in data.to_list()]
        flat = text_values([g for row in rows for g in row])
        return RaggedTensor.from_row_lengths(flat, [len(row) for row in rows])
    array = raw_bytes(data, "ngrams")
    if array.ndim == 0:
        raise ValueError("tf.strings.ngrams: `data` must have rank 1 or more (a row of tokens), received a scalar")
    rows = [grams(row) for row in array.reshape(-1, array.shape[-1])]
    lengths = {len(row) for row in rows}
    if len(lengths) > 1:
        flat = text_values([g for row in rows for g in row])
        return RaggedTensor.from_row_lengths(flat, [len(row) for row in rows])
    width = lengths.pop() if lengths else 0
    return text_result([g for row in rows for g in row], array.shape[:-1] + (width,))


# ---- format ------------------------------------------------------------------------------------------
def _scalar_text(value):
    if isinstance(value, (bytes, np.bytes_)):
        return '"' + value.decode("utf-8", "replace") + '"'
    if isinstance(value, (str, np.str_)):
        return '"' + str(value) + '"'
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    return str(int(value)) if isinstance(value, (int, np.integer)) else str(value)


def _summary(array, summarize, indent=0):
    if array.ndim == 0:
        if array.dtype.kind == "f":  # every digit of the value's own precision, as TensorFlow prints it
            return f"{float(array):.{9 if array.dtype.itemsize <= 4 else 17}g}"
        return _scalar_text(array[()])
    count = array.shape[0]
    keep = list(range(count)) if summarize < 0 or count <= 2 * summarize else \
        list(range(summarize)) + [None] + list(range(count - summarize, count))
    parts = ["..." if i is None else _summary(array[i], summarize, indent + 1) for i in keep]
    if array.ndim == 1:
        return "[" + " ".join(parts) + "]"
    return "[" + ("\n" + " " * (indent + 1)).join(parts) + "]"


def _as_array(value):
    if isinstance(value, RaggedTensor):
        return None
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value, dtype=object if isinstance(value, (str, bytes)) else None)


def format(template, inputs, placeholder="{}", summarize=3, name=None):  # noqa: A001
    """`template` with each `placeholder` replaced by the next input, printed as TensorFlow prints tensors
    (the first and last `summarize` items of long dimensions, '...' between)."""
    template = template.decode("utf-8") if isinstance(template, bytes) else str(template)
    if not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    pieces = template.split(placeholder)
    if len(pieces) - 1 != len(inputs):
        raise ValueError(f"tf.strings.format: {len(pieces) - 1} placeholders in the template but "
                         f"{len(inputs)} inputs")
    out = [pieces[0]]
    for value, piece in zip(inputs, pieces[1:]):
        array = _as_array(value)
        out.append(repr(value)[len("<tf.RaggedTensor "):-1] if array is None else _summary(array, int(summarize)))
        out.append(piece)
    return present(np.asarray("".join(out)))


# ---- unsorted_segment_join ---------------------------------------------------------------------------
def unsorted_segment_join(inputs, segment_ids, num_segments, separator="", name=None):
    """Strings joined per segment id, in input order; segments with no strings give ''."""
    array = raw_bytes(inputs, "unsorted_segment_join")
    ids = np.asarray(segment_ids.detach().cpu() if isinstance(segment_ids, torch.Tensor) else segment_ids,
                     dtype=np.int64)
    count = int(num_segments)
    if array.shape[:ids.ndim] != ids.shape:
        raise ValueError(f"tf.strings.unsorted_segment_join: segment_ids shape {ids.shape} must be a prefix of "
                         f"the inputs' shape {array.shape}")
    if ids.size and (ids.max() >= count):
        raise ValueError(f"tf.strings.unsorted_segment_join: segment id {int(ids.max())} is not below "
                         f"num_segments ({count})")
    sep = separator if isinstance(separator, bytes) else str(separator).encode("utf-8")
    inner = array.shape[ids.ndim:]
    items = array.reshape((ids.size,) + inner)
    groups = [[] for _ in range(count)]
    for segment, item in zip(ids.ravel().tolist(), items):
        if segment >= 0:
            groups[segment].append(item)
    joined = []
    for group in groups:
        if not group:
            joined.extend([b""] * int(np.prod(inner, dtype=np.int64)))
            continue
        stacked = np.stack([np.asarray(g, dtype=object) for g in group])
        flat = stacked.reshape(len(group), -1)
        joined.extend(sep.join(flat[:, k].tolist()) for k in range(flat.shape[1]))
    return text_result(joined, (count,) + inner)
