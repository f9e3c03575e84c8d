"""Keras 3's core ops that write into or group tensors: `scatter`, `scatter_update`, `slice_update`,
the `segment_*` reductions, `in_top_k`, `extract_sequences`, `saturate_cast`, and the type queries
`dtype` / `is_tensor`.

Every update returns a new tensor (Keras ops are functional); the scatters are one `index_put` or
`scatter_reduce` kernel with the indices kept on the input's device.
"""
import torch

from tkeras.backend import config
from tkeras.ops.core import _shape, tensor, to_torch_dtype, user_op
from tkeras.ops.shape_ops import _ints

SCATTER_REDUCTIONS = {None: None, "add": "sum", "max": "amax", "min": "amin", "mul": "prod"}


def _index_tuple(op, indices, target_rank):
    """(N, k) indices -> a tuple of k index vectors for advanced indexing."""
    indices = tensor(indices).long()
    if indices.dim() == 1:
        indices = indices.reshape(-1, 1) if target_rank == 1 else indices.reshape(1, -1)
    if indices.shape[-1] > target_rank:
        raise ValueError(f"{op}: each index has {indices.shape[-1]} coordinates but the target has rank "
                         f"{target_rank}")
    flat = indices.reshape(-1, indices.shape[-1])
    return tuple(flat[:, i] for i in range(flat.shape[-1])), indices.shape[:-1]


@user_op
def scatter(indices, values, shape):
    """Zeros of `shape` with `values` added at `indices` (repeated indices accumulate, as tf.scatter_nd)."""
    values = tensor(values)
    shape = _shape(shape)
    index, batch = _index_tuple("scatter", indices, len(shape))
    result = torch.zeros(shape, dtype=values.dtype, device=values.device)
    updates = values.reshape((-1,) + tuple(shape[len(index):]))
    return result.index_put(index, updates, accumulate=True)


@user_op
def scatter_update(inputs, indices, updates, reduction=None):
    key = reduction.lower() if isinstance(reduction, str) else reduction
    if key not in SCATTER_REDUCTIONS:
        raise ValueError(f"scatter_update: argument 'reduction' must be None, 'add', 'max', 'min' or 'mul', "
                         f"received {reduction!r}")
    inputs = tensor(inputs)
    index, _ = _index_tuple("scatter_update", indices, inputs.dim())
    updates = tensor(updates).to(inputs.dtype).reshape((-1,) + tuple(inputs.shape[len(index):]))
    if key is None:
        return inputs.index_put(index, updates)
    if key == "add":
        return inputs.index_put(index, updates, accumulate=True)
    # max/min/mul: flatten the indexed positions to one axis and reduce into it.
    leading = inputs.shape[:len(index)]
    flat_inputs = inputs.reshape((-1,) + tuple(inputs.shape[len(index):]))
    strides = torch.tensor([int(torch.tensor(leading[i + 1:]).prod()) for i in range(len(leading))],
                           device=inputs.device)
    position = sum(ix * s for ix, s in zip(index, strides))
    position = position.reshape((-1,) + (1,) * (flat_inputs.dim() - 1)).expand_as(updates)
    return flat_inputs.scatter_reduce(0, position, updates, reduce=SCATTER_REDUCTIONS[key]).reshape(inputs.shape)


@user_op
def slice_update(inputs, start_indices, updates):
    inputs, updates = tensor(inputs), tensor(updates)
    starts = _ints(start_indices)
    if len(starts) != inputs.dim() or updates.dim() != inputs.dim():
        raise ValueError(f"slice_update: 'start_indices' ({len(starts)} values) and 'updates' (rank {updates.dim()}) "
                         f"must match the rank of 'inputs' ({inputs.dim()})")
    region = tuple(slice(s, s + n) for s, n in zip(starts, updates.shape))
    for s, n, size in zip(starts, updates.shape, inputs.shape):
        if s < 0 or s + n > size:
            raise ValueError(f"slice_update: an update of shape {tuple(updates.shape)} at {starts} does not fit in "
                             f"'inputs' of shape {tuple(inputs.shape)}")
    result = inputs.clone()
    result[region] = updates.to(inputs.dtype)
    return result


def _segment(op, data, segment_ids, num_segments, reduce):
    data, ids = tensor(data), tensor(segment_ids).long()
    if ids.dim() != 1 or ids.shape[0] != data.shape[0]:
        raise ValueError(f"{op}: 'segment_ids' must be 1-D with one id per row of 'data' ({data.shape[0]}), "
                         f"received shape {tuple(ids.shape)}")
    count = int(num_segments) if num_segments is not None else int(ids.max()) + 1 if ids.numel() else 0
    # Ids outside [0, count) are dropped, as Keras does: send them to an extra row that is cut off.
    ids = torch.where((ids >= 0) & (ids < count), ids, torch.full_like(ids, count))
    identity = {"sum": 0, "prod": 1, "amax": float("-inf"), "amin": float("inf")}[reduce]
    if not data.is_floating_point() and reduce in ("amax", "amin"):
        info = torch.iinfo(data.dtype)
        identity = info.min if reduce == "amax" else info.max
    result = torch.full((count + 1,) + tuple(data.shape[1:]), identity, dtype=data.dtype, device=data.device)
    index = ids.reshape((-1,) + (1,) * (data.dim() - 1)).expand_as(data)
    return result.scatter_reduce(0, index, data, reduce=reduce, include_self=True)[:count]


@user_op
def segment_sum(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002 - Keras' name
    return _segment("segment_sum", data, segment_ids, num_segments, "sum")


@user_op
def segment_max(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    return _segment("segment_max", data, segment_ids, num_segments, "amax")


@user_op
def segment_min(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    return _segment("segment_min", data, segment_ids, num_segments, "amin")


@user_op
def segment_prod(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    return _segment("segment_prod", data, segment_ids, num_segments, "prod")


@user_op
def in_top_k(targets, predictions, k):
    """Whether each target's score is among the k largest of its row (ties count in, as TensorFlow)."""
    predictions, targets = tensor(predictions), tensor(targets).long()
    if predictions.dim() != 2 or targets.shape != predictions.shape[:1]:
        raise ValueError(f"in_top_k: expected 'predictions' of shape (batch, classes) and 'targets' of shape "
                         f"(batch,), received {tuple(predictions.shape)} and {tuple(targets.shape)}")
    classes = predictions.shape[1]
    # Negative targets count from the end (Keras/JAX indexing); one out of range is never in the top k.
    valid = (targets >= -classes) & (targets < classes)
    score = torch.gather(predictions, 1, torch.where(valid, targets % max(classes, 1), 0).reshape(-1, 1))
    better = torch.sum(predictions > score, dim=1)
    return (better < int(k)) & torch.isfinite(score.reshape(-1)) & valid


@user_op
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of the last axis: (..., n) -> (..., frames, sequence_length)."""
    x = tensor(x)
    if int(sequence_length) > x.shape[-1]:  # no whole frame fits: zero frames, as in Keras
        return x.new_zeros(x.shape[:-1] + (0, int(sequence_length)))
    return x.unfold(-1, int(sequence_length), int(sequence_stride))


@user_op
def saturate_cast(x, dtype):
    """Cast with values clipped to the target dtype's range first (no wrap-around)."""
    x, target = tensor(x), to_torch_dtype(dtype)
    if target == torch.bool:
        return x != 0
    info = torch.finfo(target) if target.is_floating_point else torch.iinfo(target)
    if x.is_floating_point() and not target.is_floating_point:
        # NaN -> 0 and ±inf (anything past the range) -> the exact integer limits, as in Keras.
        x = torch.nan_to_num(x, nan=0.0)
        out = torch.clamp(x, float(info.min), float(info.max)).to(target)  # the limits themselves are set next
        out = torch.where(x >= float(info.max), torch.tensor(info.max, dtype=target, device=x.device), out)
        return torch.where(x <= float(info.min), torch.tensor(info.min, dtype=target, device=x.device), out)
    if not x.is_floating_point() and not target.is_floating_point:
        source = torch.iinfo(x.dtype)
        low, high = max(info.min, source.min), min(info.max, source.max)
    else:
        low, high = info.min, info.max
    if x.is_floating_point() and target.is_floating_point and torch.finfo(x.dtype).bits <= info.bits:
        return x.to(target)
    return torch.clamp(x, low, high).to(target)


@user_op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """1 at every class listed in each row of `inputs` (batch, k) -> (batch, num_classes)."""
    num_classes = kwargs.pop("num_tokens", num_classes)  # Keras' older spelling
    if num_classes is None:
        raise ValueError("multi_hot: pass 'num_classes'")
    if sparse:
        raise NotImplementedError("multi_hot: sparse=True is not supported in tkeras; use the dense result")
    x = tensor(inputs).long()
    hot = (x.unsqueeze(-1) == torch.arange(int(num_classes), device=x.device)).to(torch.uint8)
    if axis not in (-1, hot.dim() - 1):
        hot = torch.movedim(hot, -1, int(axis))
    # Keras one-hots along `axis`, then reduces axis 1 (0 for 1-D input) whatever `axis` was.
    hot = torch.amax(hot, dim=1 if x.dim() > 1 else 0)
    return hot.to(to_torch_dtype(dtype) or torch.float32)


def dtype(x):
    """The dtype of a tensor, array or KerasTensor, as Keras' standard name ('float32', ...)."""
    value = getattr(x, "dtype", None)
    if isinstance(value, str):
        return value
    if value is None:
        value = tensor(x).dtype
    return config.dtype_name(value)


def is_tensor(x):
    """True for the backend's tensors (torch tensors, Variables), as keras.ops.is_tensor."""
    return isinstance(x, torch.Tensor)
