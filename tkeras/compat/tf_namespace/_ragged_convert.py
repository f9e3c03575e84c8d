"""Helpers behind `_ragged_tensor.RaggedTensor`: padding into dense tensors, merging partitions, plain-list and
NumPy views, and elementwise division with TensorFlow's int-to-float rule. Kept apart to keep each file
short; they reach the class through the module, which is only complete once both are imported."""
import numpy as np
import torch

from tkeras.compat.tf_namespace import _ragged_tensor as base


def unpadded_length(row, padding):
    """How many leading items of `row` remain once trailing `padding` items are dropped."""
    length = len(row)
    while length:
        item = row[length - 1]
        if base.is_text(row):
            pad = padding.decode("utf-8") if isinstance(padding, bytes) and row.dtype != object else padding
            same = bool(np.all(np.asarray(item) == pad))
        else:
            same = bool(torch.all(torch.as_tensor(item) == torch.as_tensor(padding, dtype=row.dtype)))
        if not same:
            break
        length -= 1
    return length


def true_divide(a, b):
    if not a.dtype.is_floating_point and not b.dtype.is_floating_point:
        return a.to(torch.float64) / b.to(torch.float64)
    return a / b


def index_dtype(out_type):
    from tkeras.ops.core import to_torch_dtype
    return torch.int64 if out_type is None else to_torch_dtype(out_type)


def is_int(key):
    return isinstance(key, (int, np.integer)) or (isinstance(key, torch.Tensor) and key.dim() == 0)


def index(row, rest):
    """Indexes one row (dense piece or base.RaggedTensor) with the remaining keys."""
    if isinstance(row, base.RaggedTensor):
        return row[rest]
    return base.present(row[rest if len(rest) > 1 else rest[0]])


def stack(pieces, like):
    if base.is_text(like):
        return np.stack([np.asarray(p) for p in pieces])
    return torch.stack([torch.as_tensor(p) for p in pieces])


def join_ragged(rows):
    values = base.concat([r._values for r in rows], rows[0]._values)
    lengths = torch.cat([r._row_splits[1:] - r._row_splits[:-1] for r in rows])
    return base.RaggedTensor.from_row_lengths(values, lengths)


def row_ids(splits):
    """The row each value belongs to (int64), from a row_splits vector: `[0, 2, 2, 3]` -> `[0, 0, 2]`."""
    return torch.repeat_interleave(torch.arange(splits.numel() - 1, dtype=torch.int64), splits[1:] - splits[:-1])


def same_splits(a, b):
    left, right = a.nested_row_splits, b.nested_row_splits
    return len(left) == len(right) and all(torch.equal(torch.as_tensor(x), torch.as_tensor(y))
                                           for x, y in zip(left, right))


def merge_pair(value, axis):
    """Merges dimensions `axis` and `axis + 1`."""
    if not isinstance(value, base.RaggedTensor):
        shape = tuple(value.shape)
        return value.reshape(shape[:axis] + (shape[axis] * shape[axis + 1],) + shape[axis + 2:])
    inner = value._values
    if axis == 0:
        return inner
    if axis == 1:
        if isinstance(inner, base.RaggedTensor):
            return base.RaggedTensor._make(inner._values, inner._row_splits[value._row_splits])
        width = inner.shape[1]
        return base.RaggedTensor._make(inner.reshape((-1,) + tuple(inner.shape[2:])), value._row_splits * width)
    return base.RaggedTensor._make(merge_pair(inner, axis - 1), value._row_splits)


def fill(flat, size, default_value):
    if base.is_text(flat):
        fill = "" if default_value is None else default_value
        fill = fill.decode("utf-8") if isinstance(fill, bytes) and flat.dtype != object else fill
        dtype = object if flat.dtype == object else np.result_type(flat.dtype, np.asarray(fill).dtype)
        return np.full(size, fill, dtype=dtype)
    fill = 0 if default_value is None else default_value
    if isinstance(fill, torch.Tensor):
        fill = fill.item()
    return torch.full(size, fill, dtype=flat.dtype)


def scatter(ragged, dense, prefix):
    """Writes every row of `ragged` into `dense` at the leading index `prefix`."""
    splits = ragged._row_splits.tolist()
    for row in range(len(splits) - 1):
        start, stop = splits[row], splits[row + 1]
        target = prefix + (row,)
        if isinstance(ragged._values, base.RaggedTensor):
            part = ragged._values.gather_rows(range(start, stop))
            scatter(part, dense, target)
        elif stop > start:
            dense[target + (slice(0, stop - start),)] = ragged._values[start:stop]


def plain(values):
    if base.is_text(values):
        return [plain_item(v) for v in np.asarray(values).tolist()] if values.ndim == 1 else \
            [plain(np.asarray(v)) for v in values]
    return values.tolist()


def plain_item(value):
    if isinstance(value, list):
        return [plain_item(v) for v in value]
    return value.encode("utf-8") if isinstance(value, str) else value


def numpy(values):
    if base.is_text(values):
        if values.dtype == object:
            return np.asarray(values)
        return np.asarray(np.vectorize(lambda s: s.encode("utf-8"), otypes=[object])(values)) if values.size \
            else values.astype(object)
    return values.numpy()


def show(value):
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return repr(value)
