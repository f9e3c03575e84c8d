"""`tf.reduce_*` over a RaggedTensor, as TensorFlow's ragged dispatch computes them.

Every reduction is one grouped pass over the flat values: each value gets the index of the output cell
it falls into (its row for the ragged axis, its position in the row for axis 0, its row and position
for the ragged axis of a doubly ragged tensor), and torch's `index_add_` / `scatter_reduce_` fold the
values per cell from an identity. Empty rows therefore give TensorFlow's answers: 0 for a sum, 1 for a
product, the dtype's lowest value for a max (-3.4028235e38 in float32), NaN for a mean, -inf for a
log-sum-exp. Axes past the ragged ones reduce the flat values themselves and keep the rows.
"""
import torch

from tkeras.compat.tf_namespace._ragged_convert import row_ids
from tkeras.compat.tf_namespace._ragged_tensor import RaggedTensor, is_text, present
from tkeras.ops.core import for_user


def _lowest(dtype):
    return torch.finfo(dtype).min if dtype.is_floating_point else torch.iinfo(dtype).min


def _highest(dtype):
    return torch.finfo(dtype).max if dtype.is_floating_point else torch.iinfo(dtype).max


def _fold(values, cells, count, how):
    """Fold `values` (first axis: one entry per flat value) into `count` cells by `cells`."""
    shape = (count,) + tuple(values.shape[1:])
    index = cells.reshape((-1,) + (1,) * (values.dim() - 1)).expand_as(values)
    if how == "sum":
        return torch.zeros(shape, dtype=values.dtype).index_add_(0, cells, values)
    start = {"prod": 1, "amax": _lowest(values.dtype), "amin": _highest(values.dtype)}[how]
    return torch.full(shape, start, dtype=values.dtype).scatter_reduce_(0, index, values, how, include_self=True)


def _grouped(values, cells, count, kind):
    if kind in ("sum", "prod"):
        return _fold(values, cells, count, kind)
    if kind in ("max", "min"):
        return _fold(values, cells, count, "a" + kind)
    if kind in ("any", "all"):
        folded = _fold(values.to(torch.uint8), cells, count, "amax" if kind == "any" else "amin")
        return folded.bool()
    floats = values if values.dtype.is_floating_point else values.to(torch.float64)  # TensorFlow: int mean -> float64
    if kind == "logsumexp":
        top = _fold(floats, cells, count, "amax")
        return top + torch.log(_fold(torch.exp(floats - top[cells]), cells, count, "sum"))
    sizes = _fold(torch.ones_like(floats), cells, count, "sum")
    mean = _fold(floats, cells, count, "sum") / sizes
    if kind == "mean":
        return mean
    variance = _fold(torch.square(floats - mean[cells]), cells, count, "sum") / sizes
    return variance if kind == "variance" else torch.sqrt(variance)


def _over_rows(ragged, kind):
    """Axis 0: the values at each position of every row folded together (rows of a ragged rank 1)."""
    splits, values = ragged._row_splits, ragged._values
    rows = row_ids(splits)
    positions = torch.arange(values.shape[0]) - splits[rows]
    width = int(positions.max()) + 1 if positions.numel() else 0
    return _grouped(values, positions, width, kind)


def _within_rows(ragged, kind):
    """The first ragged axis: each row's items folded. Items that are rows themselves (ragged rank 2)
    fold position by position, so a row of rows becomes one row as long as its longest item."""
    splits, items = ragged._row_splits, ragged._values
    if not isinstance(items, RaggedTensor):
        return _grouped(items, row_ids(splits), splits.numel() - 1, kind)
    if isinstance(items._values, RaggedTensor):
        raise NotImplementedError("tf.reduce_*: reducing the first ragged axis of a RaggedTensor with more than "
                                  "two ragged dimensions is not supported in tkeras")
    item_splits, flat = items._row_splits, items._values
    item_of_value = row_ids(item_splits)
    row_of_item = row_ids(splits)
    item_lengths = item_splits[1:] - item_splits[:-1]
    lengths = torch.zeros(splits.numel() - 1, dtype=torch.int64)
    if item_lengths.numel():
        lengths.scatter_reduce_(0, row_of_item, item_lengths, "amax", include_self=True)
    out_splits = torch.cat([torch.zeros(1, dtype=torch.int64), torch.cumsum(lengths, 0)])
    position = torch.arange(flat.shape[0]) - item_splits[item_of_value]
    cells = out_splits[row_of_item[item_of_value]] + position
    folded = _grouped(flat, cells, int(out_splits[-1]), kind)
    return RaggedTensor.from_row_splits(folded, out_splits)


def _normalized_axis(ragged, axis):
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise NotImplementedError(f"tf.reduce_*: a RaggedTensor reduces over one axis at a time in tkeras, "
                                      f"received axis={list(axis)}")
        axis = axis[0]
    axis = int(axis.item() if isinstance(axis, torch.Tensor) else axis)
    rank = ragged.ndim
    if not -rank <= axis < rank:
        raise ValueError(f"tf.reduce_*: axis {axis} is out of range for a RaggedTensor of rank {rank}")
    return axis % rank


def _reduced(ragged, axis, kind):
    if axis == 0:
        if isinstance(ragged._values, RaggedTensor):
            raise NotImplementedError("tf.reduce_*: axis 0 of a RaggedTensor with more than one ragged dimension is "
                                      "not supported in tkeras")
        return _over_rows(ragged, kind)
    if axis == 1:
        return _within_rows(ragged, kind)
    if isinstance(ragged._values, RaggedTensor):
        return ragged.with_values(_reduced(ragged._values, axis - 1, kind))
    values = ragged._values  # an axis of the flat values' own (uniform) dimensions
    moved = values.movedim(axis - 1, 0)
    cells = torch.zeros(moved.shape[0], dtype=torch.int64)
    return ragged.with_values(_grouped(moved, cells, 1, kind)[0])


def reduce(ragged, kind, axis=None, keepdims=False):
    """`tf.reduce_<kind>(ragged, axis, keepdims)`: a dense tensor, or a RaggedTensor where rows remain."""
    if is_text(ragged._flat()):
        raise TypeError(f"tf.reduce_{kind}: the RaggedTensor holds strings; reductions need numbers")
    if axis is None:
        flat = ragged._flat()
        result = _grouped(flat.reshape(-1), torch.zeros(flat.numel(), dtype=torch.int64), 1, kind)[0]
        return for_user(result.reshape((1,) * ragged.ndim) if keepdims else result)
    axis = _normalized_axis(ragged, axis)
    result = _reduced(ragged, axis, kind)
    if keepdims:
        if isinstance(result, RaggedTensor):
            raise NotImplementedError(f"tf.reduce_{kind}: keepdims=True where the result stays ragged is not "
                                      "supported in tkeras")
        result = result.unsqueeze(axis)
    return present(result)  # a RaggedTensor passes through as it is
