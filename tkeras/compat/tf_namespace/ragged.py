"""`tf.ragged`: building RaggedTensors from nested lists and ranges, and running flat ops on them.

The class itself is in `_ragged_tensor.py`; these are the module-level helpers text tutorials call.
Python ints become int32 and floats float32 here, as `tf.constant` does, so a ragged constant and a
dense one of the same numbers agree on dtype.
"""
import numpy as np
import torch

from tkeras.compat.tf_namespace._ragged_convert import row_ids
from tkeras.compat.tf_namespace._ragged_tensor import RaggedTensor, as_splits, is_text, raw_values
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.data.text_face import string
from tkeras.ops.core import for_user, to_torch_dtype

__all__ = ["RaggedTensor", "RaggedTensorSpec", "boolean_mask", "constant", "is_ragged", "map_flat_values",
           "range", "row_splits_to_segment_ids", "segment_ids_to_row_splits", "stack"]
_range = range


def _depth(value):
    """Nesting depth of a Python list (0 for a scalar); empty lists fit any depth, so count as 1."""
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _is_text_leaf(value):
    return isinstance(value, (str, bytes, np.str_, np.bytes_))


def _dense(items, dtype, inner_shape):
    """The innermost (uniform) values, as tkeras stores them."""
    if not items:
        shape = (0,) + tuple(inner_shape or ())
        if dtype == string:
            return np.zeros(shape, dtype=str)
        return torch.zeros(shape, dtype=dtype or torch.float32)
    try:
        array = np.asarray(items, dtype=object if dtype == string else None)
    except ValueError:
        raise ValueError("tf.ragged.constant: the innermost lists must all have the same length "
                         "(pass a larger ragged_rank to make them ragged too)") from None
    if array.dtype == object and not all(_is_text_leaf(v) for v in array.ravel()):
        raise ValueError("tf.ragged.constant: the innermost lists must all have the same length "
                         "(pass a larger ragged_rank to make them ragged too)")
    if dtype == string or array.dtype.kind in "USO":
        return raw_values(array)
    if dtype is None:
        dtype = {"f": torch.float32, "i": torch.int32, "u": torch.int32, "b": torch.bool,
                 "c": torch.complex128}[array.dtype.kind]
    return torch.as_tensor(array).to(dtype)


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None, row_splits_dtype=torch.int64):
    """A RaggedTensor from nested Python lists (every dimension past the first ragged by default)."""
    depth = _depth(pylist)
    if depth == 0:
        raise ValueError("tf.ragged.constant: expected a nested list, received a scalar; use tf.constant")
    if dtype is not None and dtype != string:
        dtype = to_torch_dtype(dtype)
    inner = len(inner_shape) if inner_shape is not None else 0
    if ragged_rank is None:
        ragged_rank = max(depth - 1 - inner, 0)
    if ragged_rank < 1:
        raise ValueError(f"tf.ragged.constant: ragged_rank must be at least 1, received {ragged_rank}")
    rows, nested_splits = list(pylist), []
    for _ in _range(ragged_rank):
        splits, flat = [0], []
        for row in rows:
            if not isinstance(row, (list, tuple, np.ndarray)):
                raise ValueError(f"tf.ragged.constant: all scalars must sit at the same depth (ragged_rank "
                                 f"{ragged_rank} needs lists at depth {ragged_rank}), found {row!r}")
            flat.extend(row)
            splits.append(len(flat))
        nested_splits.append(splits)
        rows = flat
    values = _dense(rows, dtype, inner_shape)
    return RaggedTensor.from_nested_row_splits(values, nested_splits)


def is_ragged(value):
    return isinstance(value, RaggedTensor)


def range(starts, limits=None, deltas=1, dtype=None, name=None, row_splits_dtype=torch.int64):  # noqa: A001
    """One row per (start, limit, delta), each row `arange(start, limit, delta)`."""
    if limits is None:
        starts, limits = 0, starts
    tensors = [torch.as_tensor(v.detach().cpu() if isinstance(v, torch.Tensor) else v)
               for v in (starts, limits, deltas)]
    if dtype is not None:
        out = to_torch_dtype(dtype)
    elif any(t.dtype.is_floating_point for t in tensors):
        out = torch.float32 if all(t.dtype != torch.float64 for t in tensors) else torch.float64
    elif any(t.dtype == torch.int64 and isinstance(v, torch.Tensor) for t, v in zip(tensors, (starts, limits, deltas))):
        out = torch.int64
    else:
        out = torch.int32
    start, limit, delta = torch.broadcast_tensors(*[t.to(torch.float64) for t in tensors])
    if bool((delta == 0).any()):
        raise ValueError("tf.ragged.range: deltas must not be zero")
    rows = [torch.arange(float(s), float(e), float(d), dtype=torch.float64).to(out)
            for s, e, d in zip(start.reshape(-1).tolist(), limit.reshape(-1).tolist(), delta.reshape(-1).tolist())]
    values = torch.cat(rows) if rows else torch.zeros(0, dtype=out)
    return RaggedTensor.from_row_lengths(values, [len(r) for r in rows])


def _as_ragged_row(value):
    if isinstance(value, RaggedTensor):
        return value
    values = raw_values(value)
    return values


def stack(values, axis=0, name=None):
    """Stacks tensors or RaggedTensors along a new outer dimension (axis 0 only in tkeras)."""
    if axis != 0:
        raise ValueError(f"tf.ragged.stack: tkeras stacks along axis 0 only, received axis={axis}")
    items = [_as_ragged_row(v) for v in values]
    if not items:
        raise ValueError("tf.ragged.stack: expected at least one value")
    if any(isinstance(v, RaggedTensor) for v in items):
        items = [v if isinstance(v, RaggedTensor) else RaggedTensor.from_tensor(v) for v in items]
    return RaggedTensor.from_rows_of(items)


def boolean_mask(data, mask, name=None):
    """Keeps the items where `mask` is true: a 1-D mask picks rows, a mask shaped like the data picks items
    within rows (the rows then differ in length, so the result is ragged)."""
    if isinstance(mask, RaggedTensor):
        if not isinstance(data, RaggedTensor) or data.ragged_rank != 1 or mask.ragged_rank != 1:
            raise ValueError("tf.ragged.boolean_mask: a ragged mask needs ragged data with the same rows "
                             "(ragged_rank 1 in tkeras)")
        keep = torch.as_tensor(np.asarray(mask.flat_values.numpy() if hasattr(mask.flat_values, "numpy")
                                          else mask.flat_values, dtype=bool))
        rowids = torch.as_tensor(mask.value_rowids())
        lengths = torch.bincount(rowids[keep], minlength=mask.nrows_int())
        flat = data._flat()
        kept = flat[keep.numpy()] if is_text(flat) else flat[keep]
        return RaggedTensor.from_row_lengths(kept, lengths)
    keep = torch.as_tensor(mask.detach().cpu() if isinstance(mask, torch.Tensor) else np.asarray(mask, dtype=bool))
    keep = keep.to(torch.bool)
    if keep.dim() == 1:
        if isinstance(data, RaggedTensor):
            return data.gather_rows(torch.nonzero(keep).reshape(-1))
        values = raw_values(data)
        return for_user(values[keep]) if not is_text(values) else values[keep.numpy()]
    if keep.dim() == 2:
        values = raw_values(data.to_tensor() if isinstance(data, RaggedTensor) else data)
        flat = values[keep.numpy()] if is_text(values) else values[keep]
        return RaggedTensor.from_row_lengths(flat, keep.sum(dim=1))
    raise ValueError(f"tf.ragged.boolean_mask: tkeras takes a 1-D or 2-D mask, received rank {keep.dim()}")


def map_flat_values(op, *args, **kwargs):
    """Runs `op` on the flat values of every RaggedTensor argument; they must share row partitions."""
    ragged = [v for v in list(args) + list(kwargs.values()) if isinstance(v, RaggedTensor)]
    if not ragged:
        raise ValueError("tf.ragged.map_flat_values: expected at least one RaggedTensor argument")
    splits = [s.tolist() for s in ragged[0].nested_row_splits]
    for other in ragged[1:]:
        if [s.tolist() for s in other.nested_row_splits] != splits:
            raise ValueError("tf.ragged.map_flat_values: the RaggedTensors must have the same row partitions")
    unwrap = lambda v: v.flat_values if isinstance(v, RaggedTensor) else v  # noqa: E731
    result = op(*[unwrap(v) for v in args], **{k: unwrap(v) for k, v in kwargs.items()})
    return ragged[0].with_flat_values(result)


def row_splits_to_segment_ids(splits, name=None, out_type=None):
    splits = as_splits(splits)
    return for_user(row_ids(splits).to(torch.int64 if out_type is None else to_torch_dtype(out_type)))


def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None, name=None):
    ids = as_splits(segment_ids)
    count = int(num_segments) if num_segments is not None else (int(ids.max()) + 1 if ids.numel() else 0)
    splits = torch.cat([torch.zeros(1, dtype=torch.int64), torch.bincount(ids, minlength=count).cumsum(0)])
    return for_user(splits.to(torch.int64 if out_type is None else to_torch_dtype(out_type)))


class RaggedTensorSpec:
    """Describes a RaggedTensor (for `tf.function` signatures and `Input(type_spec=...)`-style code)."""

    def __init__(self, shape=None, dtype=torch.float32, ragged_rank=None, row_splits_dtype=torch.int64,
                 flat_values_spec=None):
        self.shape = None if shape is None else tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype if dtype == string else to_torch_dtype(dtype)
        if ragged_rank is None:
            if self.shape is None:
                raise ValueError("tf.RaggedTensorSpec: give `ragged_rank` when the shape is unknown")
            ragged_rank = len(self.shape) - 1
        if self.shape is not None and not 0 <= ragged_rank < max(len(self.shape), 1):
            raise ValueError(f"tf.RaggedTensorSpec: ragged_rank must be in [0, {len(self.shape)}), "
                             f"received {ragged_rank}")
        self.ragged_rank = int(ragged_rank)
        self.row_splits_dtype = to_torch_dtype(row_splits_dtype)
        self.flat_values_spec = flat_values_spec

    def is_compatible_with(self, value):
        if isinstance(value, RaggedTensorSpec):
            other_shape, other_dtype, other_rank = value.shape, value.dtype, value.ragged_rank
        elif isinstance(value, RaggedTensor):
            other_shape, other_dtype, other_rank = tuple(value.shape), value.dtype, value.ragged_rank
        else:
            return False
        if other_dtype != self.dtype or other_rank != self.ragged_rank:
            return False
        if self.shape is None or other_shape is None:
            return True
        return len(self.shape) == len(other_shape) and all(
            a is None or b is None or a == b for a, b in zip(self.shape, other_shape))

    @classmethod
    def from_value(cls, value):
        return cls(tuple(value.shape), value.dtype, value.ragged_rank)

    def __eq__(self, other):
        return isinstance(other, RaggedTensorSpec) and (self.shape, self.dtype, self.ragged_rank) == (
            other.shape, other.dtype, other.ragged_rank)

    def __hash__(self):
        return hash((self.shape, str(self.dtype), self.ragged_rank))

    def __repr__(self):
        dtype = "tf.string" if self.dtype == string else f"tf.{str(self.dtype).replace('torch.', '')}"
        shape = "None" if self.shape is None else f"TensorShape({list(self.shape)})"
        return (f"RaggedTensorSpec({shape}, {dtype}, {self.ragged_rank}, "
                f"tf.{str(self.row_splits_dtype).replace('torch.', '')})")


__getattr__ = module_getattr("tf.ragged")
