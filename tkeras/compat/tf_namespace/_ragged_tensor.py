"""`tf.RaggedTensor`: rows of different lengths, kept as one flat array plus row boundaries.

Text tutorials meet ragged results everywhere (a batch split into words, a word into characters), and
most of them go straight on to `.to_tensor()`, `.to_list()` or `.row_lengths()`. Holding the same
two parts TensorFlow holds (`flat_values` and one `row_splits` vector per ragged dimension) keeps those
answers exact, including the int64 splits and the `None` in `.shape`. Numbers live in torch tensors;
text lives in NumPy str arrays (bytes in an object array where it is not UTF-8), as tkeras' strings do.
"""
import operator

import numpy as np
import torch

from tkeras.backend.eager_tensor import TensorShape
from tkeras.data.text_face import string, text_face
from tkeras.ops.core import for_user

from tkeras.compat.tf_namespace import _ragged_convert as convert  # helpers; they reach back here at call time


def invalid_argument(message):
    """TensorFlow reports bad partitions and mismatched rows as InvalidArgumentError (not a ValueError)."""
    from tkeras.compat.tf_namespace.errors import InvalidArgumentError
    return InvalidArgumentError(None, None, message)


def is_text(values):
    return isinstance(values, np.ndarray)


def present(values):
    """Flat values as user code should see them (tkeras' tensor or text face)."""
    if isinstance(values, RaggedTensor):
        return values
    if is_text(values):
        if values.dtype == object:
            return BytesArray.wrap(values)
        return text_face(values)
    return for_user(values)


def as_splits(splits):
    if isinstance(splits, torch.Tensor):
        return splits.detach().to(device="cpu", dtype=torch.int64).reshape(-1)
    return torch.as_tensor(np.asarray(splits, dtype=np.int64)).reshape(-1)


def raw_values(values):
    """Flat values in the form stored here: torch tensors (on CPU) for numbers, NumPy for text."""
    if isinstance(values, RaggedTensor):
        return values
    if isinstance(values, torch.Tensor):
        return values.detach().cpu() if values.requires_grad else values.cpu()
    if isinstance(values, (str, bytes)):
        values = [values]
    array = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if array.dtype.kind in "US" or (array.dtype == object and array.size and isinstance(array.flat[0], (str, bytes))):
        from tkeras.compat.tf_namespace.strings import as_strings
        try:
            return np.asarray(as_strings(array))
        except UnicodeDecodeError:
            return np.asarray(array, dtype=object)
    if not isinstance(values, np.ndarray) and array.dtype.kind in "iuf":
        # Python lists take tf.constant's dtypes (int32, float32), not NumPy's 64-bit ones.
        array = array.astype(np.int32 if array.dtype.kind in "iu" else np.float32)
    return torch.as_tensor(array)


def take(values, index):
    """Row gather on either kind of flat values."""
    if isinstance(values, RaggedTensor):
        return values.gather_rows(index)
    if is_text(values):
        return values[np.asarray(index, dtype=np.int64)]
    return values[torch.as_tensor(index, dtype=torch.int64)]


def concat(parts, like):
    if isinstance(like, RaggedTensor):
        return RaggedTensor.from_rows_of(parts)
    if is_text(like):
        return np.concatenate([np.asarray(p) for p in parts]) if parts else like[:0]
    return torch.cat(parts) if parts else like[:0]


class BytesArray(np.ndarray):
    """Text that is not UTF-8 (single bytes of a character, UTF-16): an object array of bytes, which
    answers `.numpy()` as a string tensor does."""

    @classmethod
    def wrap(cls, array):
        return np.asarray(array, dtype=object).view(cls)

    def numpy(self):
        return np.asarray(self)


class RaggedTensor:
    """Rows of varying length: `values` (flat values, or another RaggedTensor) cut by `row_splits`."""

    def __init__(self, values, row_splits, internal=False):
        if not internal:
            raise TypeError("tf.RaggedTensor cannot be constructed directly; use tf.ragged.constant or "
                            "tf.RaggedTensor.from_row_splits / from_row_lengths / from_tensor")
        self._values = raw_values(values)
        self._row_splits = as_splits(row_splits)

    # ---- construction ----------------------------------------------------------------------------
    @classmethod
    def _make(cls, values, row_splits, validate=True):
        splits = as_splits(row_splits)
        values = raw_values(values)
        if validate:
            count = values.nrows() if isinstance(values, RaggedTensor) else len(values)
            if splits.numel() == 0 or int(splits[0]) != 0:
                raise invalid_argument("RaggedTensor: row_splits must start with 0")
            if bool((splits[1:] < splits[:-1]).any()):
                raise invalid_argument("RaggedTensor: row_splits must be sorted in ascending order")
            if int(splits[-1]) != count:
                raise invalid_argument(f"RaggedTensor: the last row_split ({int(splits[-1])}) must equal the number "
                                       f"of values ({count})")
        return cls(values, splits, internal=True)

    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        return cls._make(values, row_splits, validate)

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        lengths = as_splits(row_lengths)
        if validate and bool((lengths < 0).any()):
            raise ValueError("RaggedTensor.from_row_lengths: row_lengths must be non-negative")
        return cls._make(values, torch.cat([torch.zeros(1, dtype=torch.int64), lengths.cumsum(0)]), validate)

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate=True):
        starts = as_splits(row_starts)
        count = values.nrows() if isinstance(values, RaggedTensor) else len(raw_values(values))
        return cls._make(values, torch.cat([starts, torch.tensor([count])]), validate)

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate=True):
        return cls._make(values, torch.cat([torch.zeros(1, dtype=torch.int64), as_splits(row_limits)]), validate)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        rowids = as_splits(value_rowids)
        if validate and rowids.numel() and bool((rowids[1:] < rowids[:-1]).any()):
            raise ValueError("RaggedTensor.from_value_rowids: value_rowids must be sorted in ascending order")
        count = int(nrows) if nrows is not None else (int(rowids.max()) + 1 if rowids.numel() else 0)
        lengths = torch.bincount(rowids, minlength=count)
        return cls.from_row_lengths(values, lengths, validate=validate)

    @classmethod
    def from_sparse(cls, st_input, name=None, row_splits_dtype="int64"):
        from tkeras.compat.tf_namespace._ragged_from_sparse import values_and_row_lengths
        return cls.from_row_lengths(*values_and_row_lengths(st_input))

    @classmethod
    def from_uniform_row_length(cls, values, uniform_row_length, nrows=None, validate=True, name=None):
        width = int(uniform_row_length)
        count = values.nrows_int() if isinstance(values, RaggedTensor) else len(raw_values(values))
        rows = int(nrows) if nrows is not None else (count // width if width else 0)
        return cls.from_row_lengths(values, [width] * rows, validate=validate)

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None, validate=True):
        result = flat_values
        for splits in reversed(list(nested_row_splits)):
            result = cls._make(result, splits, validate)
        return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None, validate=True):
        result = flat_values
        for lengths in reversed(list(nested_row_lengths)):
            result = cls.from_row_lengths(result, lengths, validate=validate)
        return result

    @classmethod
    def from_nested_value_rowids(cls, flat_values, nested_value_rowids, nested_nrows=None, name=None,
                                 validate=True):
        rowids = list(nested_value_rowids)
        nrows = list(nested_nrows) if nested_nrows is not None else [None] * len(rowids)
        result = flat_values
        for ids, count in zip(reversed(rowids), reversed(nrows)):
            result = cls.from_value_rowids(result, ids, count, validate=validate)
        return result

    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1, name=None, row_splits_dtype=None):
        values = raw_values(tensor)
        if len(values.shape) < ragged_rank + 1:
            raise ValueError(f"RaggedTensor.from_tensor: a tensor of rank {len(values.shape)} cannot have "
                             f"ragged_rank {ragged_rank}")
        if lengths is not None and padding is not None:
            raise ValueError("RaggedTensor.from_tensor: give `lengths` or `padding`, not both")
        if ragged_rank > 1:
            if lengths is not None or padding is not None:
                raise ValueError("RaggedTensor.from_tensor: `lengths` and `padding` need ragged_rank=1 in tkeras")
            inner = cls.from_tensor(values.reshape((-1,) + tuple(values.shape[2:])), ragged_rank=ragged_rank - 1)
            return cls.from_row_lengths(inner, [values.shape[1]] * values.shape[0])
        nrows, width = values.shape[0], values.shape[1]
        if lengths is not None:
            row_lengths = [min(int(n), width) for n in as_splits(lengths).tolist()]
        elif padding is not None:
            row_lengths = [convert.unpadded_length(row, padding) for row in values]
        else:
            row_lengths = [width] * nrows
        rows = [values[i][:n] for i, n in enumerate(row_lengths)]
        flat = concat(rows, values) if rows else values.reshape((0,) + tuple(values.shape[2:]))
        return cls.from_row_lengths(flat, row_lengths)

    @classmethod
    def from_rows_of(cls, rows):
        """Rows (dense pieces or RaggedTensors of one rank) joined into one RaggedTensor."""
        rows = list(rows)
        if not rows:
            raise ValueError("RaggedTensor: cannot build from zero rows without values")
        lengths = [r.nrows() if isinstance(r, RaggedTensor) else len(r) for r in rows]
        if isinstance(rows[0], RaggedTensor):
            values = convert.join_ragged(rows)
        elif is_text(rows[0]):
            values = np.concatenate([np.asarray(r) for r in rows])
        else:
            values = torch.cat([torch.as_tensor(r) for r in rows])
        return cls.from_row_lengths(values, lengths)

    # ---- structure -------------------------------------------------------------------------------
    @property
    def values(self):
        return present(self._values)

    @property
    def row_splits(self):
        return for_user(self._row_splits)

    @property
    def flat_values(self):
        inner = self._values
        while isinstance(inner, RaggedTensor):
            inner = inner._values
        return present(inner)

    @property
    def nested_row_splits(self):
        splits, inner = [self.row_splits], self._values
        while isinstance(inner, RaggedTensor):
            splits.append(inner.row_splits)
            inner = inner._values
        return tuple(splits)

    @property
    def ragged_rank(self):
        return 1 + (self._values.ragged_rank if isinstance(self._values, RaggedTensor) else 0)

    @property
    def uniform_row_length(self):
        return None

    @property
    def row_splits_dtype(self):
        return torch.int64

    @property
    def dtype(self):
        flat = self._flat()
        return string if is_text(flat) else flat.dtype

    @property
    def shape(self):
        flat = self._flat()
        return TensorShape((self.nrows_int(),) + (None,) * self.ragged_rank + tuple(flat.shape[1:]))

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return len(self.shape)

    def _flat(self):
        inner = self._values
        while isinstance(inner, RaggedTensor):
            inner = inner._values
        return inner

    def nrows_int(self):
        return self._row_splits.numel() - 1

    def nrows(self, out_type=None, name=None):
        return for_user(torch.tensor(self.nrows_int(), dtype=convert.index_dtype(out_type)))

    def row_lengths(self, axis=1, name=None):
        if axis in (1, -self.ndim + 1):
            return for_user(self._row_splits[1:] - self._row_splits[:-1])
        if axis > 1 and isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.row_lengths(axis - 1))
        raise ValueError(f"RaggedTensor.row_lengths: axis {axis} is not a ragged dimension")

    def row_starts(self, name=None):
        return for_user(self._row_splits[:-1])

    def row_limits(self, name=None):
        return for_user(self._row_splits[1:])

    def value_rowids(self, name=None):
        return for_user(convert.row_ids(self._row_splits))

    def nested_value_rowids(self, name=None):
        ids, current = [], self
        while isinstance(current, RaggedTensor):
            ids.append(current.value_rowids())
            current = current._values
        return tuple(ids)

    def nested_row_lengths(self, name=None):
        lengths, current = [], self
        while isinstance(current, RaggedTensor):
            lengths.append(current.row_lengths())
            current = current._values
        return tuple(lengths)

    def bounding_shape(self, axis=None, name=None, out_type=None):
        dims = [self.nrows_int()]
        current = self
        while isinstance(current, RaggedTensor):
            lengths = current._row_splits[1:] - current._row_splits[:-1]
            dims.append(int(lengths.max()) if lengths.numel() else 0)
            current = current._values
        dims += list(current.shape[1:])
        shape = torch.tensor(dims, dtype=convert.index_dtype(out_type))
        return for_user(shape if axis is None else shape[axis])

    def with_values(self, new_values):
        return RaggedTensor._make(new_values, self._row_splits)

    def with_flat_values(self, new_values):
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def with_row_splits_dtype(self, dtype):
        return self

    def gather_rows(self, index):
        """The rows at `index` (a 1-D int sequence), as a new RaggedTensor."""
        index = as_splits(index)
        starts, limits = self._row_splits[:-1][index], self._row_splits[1:][index]
        pieces = [torch.arange(int(s), int(e), dtype=torch.int64) for s, e in zip(starts, limits)]
        positions = torch.cat(pieces) if pieces else torch.zeros(0, dtype=torch.int64)
        return RaggedTensor.from_row_lengths(take(self._values, positions), limits - starts)

    def merge_dims(self, outer_axis, inner_axis):
        rank = self.ndim
        outer = outer_axis + rank if outer_axis < 0 else outer_axis
        inner = inner_axis + rank if inner_axis < 0 else inner_axis
        if not 0 <= outer <= inner < rank:
            raise ValueError(f"RaggedTensor.merge_dims: need 0 <= outer_axis <= inner_axis < rank ({rank}), "
                             f"received {outer_axis}, {inner_axis}")
        result = self
        for _ in range(inner - outer):
            result = convert.merge_pair(result, outer)
        return present(result) if isinstance(result, (torch.Tensor, np.ndarray)) else result

    # ---- conversion ------------------------------------------------------------------------------
    def to_tensor(self, default_value=None, name=None, shape=None):
        bound = self.bounding_shape().tolist()
        if shape is not None:
            wanted = [b if s is None else int(s) for b, s in zip(bound, list(shape))]
            if len(list(shape)) != len(bound):
                raise ValueError(f"RaggedTensor.to_tensor: shape {list(shape)} must have rank {len(bound)}")
        else:
            wanted = bound
        size = [max(b, w) for b, w in zip(bound, wanted)]
        dense = convert.fill(self._flat(), size, default_value)
        convert.scatter(self, dense, ())
        return present(dense[tuple(slice(0, w) for w in wanted)])

    def to_list(self):
        rows = []
        splits = self._row_splits.tolist()
        inner = self._values.to_list() if isinstance(self._values, RaggedTensor) else convert.plain(self._values)
        for start, stop in zip(splits[:-1], splits[1:]):
            rows.append(inner[start:stop])
        return rows

    def numpy(self):
        inner = self._values.numpy() if isinstance(self._values, RaggedTensor) else convert.numpy(self._values)
        splits = self._row_splits.tolist()
        rows = [inner[start:stop] for start, stop in zip(splits[:-1], splits[1:])]
        if not rows:
            return np.zeros((0, 0) + tuple(np.shape(inner)[1:]), dtype=getattr(inner, "dtype", object))
        if isinstance(self._values, RaggedTensor) or any(len(r) != len(rows[0]) for r in rows):
            out = np.empty(len(rows), dtype=object)
            for i, row in enumerate(rows):
                out[i] = row
            return out
        return np.stack(rows)

    def __array__(self, dtype=None, copy=None):
        raise TypeError("a tf.RaggedTensor does not convert to a dense array implicitly (its rows differ in "
                        "length); call .to_tensor() to pad it, or .to_list() / .numpy() for its rows")

    # ---- indexing --------------------------------------------------------------------------------
    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        if not key:
            return self
        first, rest = key[0], key[1:]
        if first is Ellipsis:
            raise TypeError("RaggedTensor indexing with `...` is not supported in tkeras")
        if isinstance(first, slice):
            rows = self.gather_rows(range(self.nrows_int())[first])
            if not rest:
                return rows
            pieces = [convert.index(rows._row(i), rest) for i in range(rows.nrows_int())]
            if pieces and all(not isinstance(p, RaggedTensor) and tuple(p.shape) == tuple(pieces[0].shape)
                              for p in pieces) and convert.is_int(rest[0]):
                return present(convert.stack(pieces, rows._flat()))
            return RaggedTensor.from_rows_of(pieces)
        index = int(first)
        count = self.nrows_int()
        if not -count <= index < count:
            raise IndexError(f"RaggedTensor: row index {index} is out of range for {count} rows")
        return convert.index(self._row(index % count), rest) if rest else present(self._row(index % count))

    def _row(self, index):
        start, stop = int(self._row_splits[index]), int(self._row_splits[index + 1])
        return self._values[start:stop] if isinstance(self._values, RaggedTensor) else self._values[start:stop]

    def __iter__(self):
        for i in range(self.nrows_int()):
            yield self[i]

    # ---- arithmetic ------------------------------------------------------------------------------
    def _binary(self, other, fn, reverse=False):
        mine = self._flat()
        if is_text(mine):
            raise TypeError("tf.RaggedTensor: arithmetic needs numbers, this one holds strings")
        if isinstance(other, RaggedTensor):
            if not convert.same_splits(self, other):
                raise invalid_argument("tf.RaggedTensor: both operands must have the same row lengths "
                                       f"({self.nested_row_lengths()} vs {other.nested_row_lengths()})")
            theirs = other._flat()
        else:
            theirs = torch.as_tensor(other.detach() if isinstance(other, torch.Tensor) else other)
            if theirs.dim() and tuple(theirs.shape) != tuple(mine.shape):
                raise ValueError(f"tf.RaggedTensor: cannot combine with a tensor of shape {tuple(theirs.shape)}; "
                                 "use a scalar, a RaggedTensor with the same rows, or flat values of shape "
                                 f"{tuple(mine.shape)}")
            if not theirs.dtype.is_floating_point and mine.dtype.is_floating_point:
                theirs = theirs.to(mine.dtype)
            elif theirs.dim() == 0 and isinstance(other, (int, float)) and not theirs.dtype.is_floating_point:
                theirs = theirs.to(mine.dtype)
        result = fn(theirs, mine) if reverse else fn(mine, theirs)
        return self.with_flat_values(result)

    def __add__(self, other):
        return self._binary(other, operator.add)

    def __radd__(self, other):
        return self._binary(other, operator.add, True)

    def __sub__(self, other):
        return self._binary(other, operator.sub)

    def __rsub__(self, other):
        return self._binary(other, operator.sub, True)

    def __mul__(self, other):
        return self._binary(other, operator.mul)

    def __rmul__(self, other):
        return self._binary(other, operator.mul, True)

    def __truediv__(self, other):
        return self._binary(other, convert.true_divide)

    def __rtruediv__(self, other):
        return self._binary(other, convert.true_divide, True)

    def __floordiv__(self, other):
        return self._binary(other, operator.floordiv)

    def __mod__(self, other):
        return self._binary(other, operator.mod)

    def __pow__(self, other):
        return self._binary(other, operator.pow)

    def __neg__(self):
        return self.with_flat_values(-self._flat())

    def __abs__(self):
        return self.with_flat_values(self._flat().abs())

    def __lt__(self, other):
        return self._binary(other, operator.lt)

    def __le__(self, other):
        return self._binary(other, operator.le)

    def __gt__(self, other):
        return self._binary(other, operator.gt)

    def __ge__(self, other):
        return self._binary(other, operator.ge)

    def __repr__(self):
        return f"<tf.RaggedTensor {convert.show(self.to_list())}>"

    __str__ = __repr__
