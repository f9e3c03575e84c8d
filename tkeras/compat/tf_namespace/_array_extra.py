"""Top-level `tf.*` array functions with TensorFlow's index conventions: gather_nd/scatter_nd index by the
last axis of `indices`, scatter_nd sums duplicates, out-of-range indices are InvalidArgumentError, and
unique returns indices as int32."""
import collections

import torch

from tkeras.compat.tf_namespace import errors
from tkeras.ops import shape_ops
from tkeras.ops.core import to_torch_dtype, tensor, user_op


def _index_tuple(indices, shape, op_name):
    idx = tensor(indices).long()
    depth = idx.shape[-1]
    bounds = torch.tensor(shape[:depth], device=idx.device)
    bad = (idx < 0) | (idx >= bounds)
    if bool(bad.any()):
        where = torch.nonzero(bad.any(-1))[0].tolist()
        raise errors.op_error(errors.InvalidArgumentError,
                              f"indices{where} = {idx[tuple(where)].tolist()} does not index into param shape "
                              f"{list(shape)}", op_name)
    return tuple(idx[..., i] for i in range(depth))


@user_op
def gather_nd(params, indices, batch_dims=0, name=None):
    params = tensor(params)
    if batch_dims:
        return torch.stack([gather_nd(p, i, batch_dims - 1) for p, i in zip(params, tensor(indices))])
    return params[_index_tuple(indices, tuple(params.shape), "GatherNd")]


@user_op
def scatter_nd(indices, updates, shape, name=None):
    updates = tensor(updates)
    shape = tuple(int(s) for s in (shape.tolist() if isinstance(shape, torch.Tensor) else shape))
    out = torch.zeros(shape, dtype=updates.dtype, device=updates.device)
    return out.index_put(_index_tuple(indices, shape, "ScatterNd"), updates, accumulate=True)


def _tensor_scatter(op_name, combine):
    @user_op
    def op(tensor_, indices, updates, name=None):
        x = tensor(tensor_)
        index = _index_tuple(indices, tuple(x.shape), op_name)
        return combine(x.clone(), index, tensor(updates).to(x.dtype))
    op.__name__ = op.__qualname__ = op_name
    return op


def _reduce_into(reduce):
    def combine(x, index, updates):
        flat_index = torch.tensor(0, device=x.device)
        depth = len(index)
        strides = torch.tensor(x.shape[:depth]).flip(0).cumprod(0).flip(0).tolist()[1:] + [1]
        flat_index = sum(i * s for i, s in zip(index, strides))
        rows = x.reshape((-1,) + tuple(x.shape[depth:]))
        src = updates.reshape((-1,) + tuple(x.shape[depth:]))
        where = flat_index.reshape(-1).reshape((-1,) + (1,) * (rows.dim() - 1)).expand_as(src)
        return rows.scatter_reduce(0, where, src, reduce=reduce, include_self=True).reshape(x.shape)
    return combine


tensor_scatter_nd_update = _tensor_scatter("TensorScatterUpdate", lambda x, i, u: x.index_put(i, u))
tensor_scatter_nd_add = _tensor_scatter("TensorScatterAdd", lambda x, i, u: x.index_put(i, u, accumulate=True))
tensor_scatter_nd_sub = _tensor_scatter("TensorScatterSub", lambda x, i, u: x.index_put(i, -u, accumulate=True))
tensor_scatter_nd_max = _tensor_scatter("TensorScatterMax", _reduce_into("amax"))
tensor_scatter_nd_min = _tensor_scatter("TensorScatterMin", _reduce_into("amin"))


@user_op
def meshgrid(*args, **kwargs):
    indexing = kwargs.pop("indexing", "xy")
    return list(torch.meshgrid(*[tensor(a) for a in args], indexing=indexing))


@user_op
def roll(input, shift, axis, name=None):  # noqa: A002
    shift = shift.tolist() if isinstance(shift, torch.Tensor) else shift
    axis = axis.tolist() if isinstance(axis, torch.Tensor) else axis
    return torch.roll(tensor(input), shift, axis)


@user_op
def sequence_mask(lengths, maxlen=None, dtype=torch.bool, name=None):
    lengths = tensor(lengths)
    maxlen = int(lengths.max()) if maxlen is None else int(maxlen)
    mask = torch.arange(maxlen, device=lengths.device) < lengths.unsqueeze(-1)
    return mask.to(to_torch_dtype(dtype))


def _unique(x, out_idx):
    x = tensor(x)
    if x.dim() != 1:
        raise errors.op_error(errors.InvalidArgumentError, "unique expects a 1D vector.", "Unique")
    values, inverse, counts = torch.unique(x, sorted=False, return_inverse=True, return_counts=True)
    # TensorFlow keeps first-appearance order
    first = torch.full((values.shape[0],), x.shape[0], dtype=torch.long, device=x.device)
    first = first.scatter_reduce(0, inverse, torch.arange(x.shape[0], device=x.device), reduce="amin")
    order = torch.argsort(first)
    rank = torch.argsort(order)
    dtype = to_torch_dtype(out_idx)
    return values[order], rank[inverse].to(dtype), counts[order].to(dtype)


# TensorFlow names the parts (`tf.unique(x).y`, `.idx`, `.count`); they still unpack as tuples.
Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


@user_op
def unique(x, out_idx=torch.int32, name=None):
    values, idx, _ = _unique(x, out_idx)
    return Unique(values, idx)


@user_op
def unique_with_counts(x, out_idx=torch.int32, name=None):
    return UniqueWithCounts(*_unique(x, out_idx))


@user_op
def unravel_index(indices, dims, name=None):
    indices, dims = tensor(indices), tensor(dims)
    out = []
    rest = indices
    for d in reversed(dims.tolist()):
        out.append(rest % d)
        rest = rest // d
    return torch.stack(out[::-1]).to(indices.dtype)


@user_op
def searchsorted(sorted_sequence, values, side="left", out_type=torch.int32, name=None):
    result = torch.searchsorted(tensor(sorted_sequence).contiguous(), tensor(values).contiguous(),
                                right=side == "right")
    return result.to(to_torch_dtype(out_type))


@user_op
def slice(input_, begin, size, name=None):  # noqa: A001 - TensorFlow's name
    import builtins
    x = tensor(input_)
    begin = [int(v) for v in (begin.tolist() if isinstance(begin, torch.Tensor) else begin)]
    size = [int(v) for v in (size.tolist() if isinstance(size, torch.Tensor) else size)]
    return x[tuple(builtins.slice(b, x.shape[i] if n == -1 else b + n) for i, (b, n) in enumerate(zip(begin, size)))]


@user_op
def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                  shrink_axis_mask=0, var=None, name=None):
    import builtins
    x = tensor(input_)
    begin, end = list(begin), list(end)
    strides = list(strides) if strides is not None else [1] * len(begin)
    index = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        if ellipsis_mask & (1 << i):
            index.append(Ellipsis)
        elif new_axis_mask & (1 << i):
            index.append(None)
        elif shrink_axis_mask & (1 << i):
            index.append(int(b))
        else:
            b = None if begin_mask & (1 << i) else int(b)
            e = None if end_mask & (1 << i) else int(e)
            index.append(builtins.slice(b, e, int(s)))
    if any(isinstance(k, builtins.slice) and (k.step or 1) < 0 for k in index):
        # torch has no negative steps: index the flipped axis instead
        axis = 0
        for pos, k in enumerate(index):
            if isinstance(k, builtins.slice) and (k.step or 1) < 0:
                n = x.shape[axis]
                start = n - 1 if k.start is None else (k.start % n if k.start >= -n else -1)
                stop = -1 if k.stop is None else (k.stop % n if k.stop >= -n else -1)
                x = x.flip(axis)
                index[pos] = builtins.slice(n - 1 - start, n - 1 - stop if stop >= 0 else n, -k.step)
            if k is not None:
                axis += 1
    return x[tuple(index)]


@user_op
def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None):  # noqa: A002
    x = tensor(input)
    seq_axis, batch_axis = int(seq_axis), int(batch_axis or 0)
    out = x.clone()
    for b, n in enumerate(tensor(seq_lengths).tolist()):
        row = x.select(batch_axis, b)
        axis = seq_axis - (seq_axis > batch_axis)
        out.select(batch_axis, b).narrow(axis, 0, int(n)).copy_(row.narrow(axis, 0, int(n)).flip(axis))
    return out


@user_op
def shape_n(input, out_type=torch.int32, name=None):  # noqa: A002
    return [torch.tensor(tuple(tensor(t).shape), dtype=to_torch_dtype(out_type)) for t in input]


def identity_n(input, name=None):  # noqa: A002
    return list(input)


@user_op
def parallel_stack(values, name=None):
    return torch.stack([tensor(v) for v in values])


@user_op
def dynamic_partition(data, partitions, num_partitions, name=None):
    data, parts = tensor(data), tensor(partitions).long()
    rows = data.reshape((-1,) + tuple(data.shape[parts.dim():]))
    parts = parts.reshape(-1)
    return [rows[parts == p] for p in range(int(num_partitions))]


@user_op
def dynamic_stitch(indices, data, name=None):
    """Later positions win where indices repeat, as TensorFlow's merge order does."""
    indices = [tensor(i).long() for i in indices]
    data = [tensor(d) for d in data]
    row_shape = tuple(data[0].shape[indices[0].dim():])
    size = max((int(i.max()) + 1 for i in indices if i.numel()), default=0)
    out = torch.zeros((size,) + row_shape, dtype=data[0].dtype, device=data[0].device)
    for i, d in zip(indices, data):
        out[i.reshape(-1)] = d.reshape((-1,) + row_shape)
    return out


def broadcast_static_shape(shape_x, shape_y):
    from tkeras.backend.eager_tensor import TensorShape
    return TensorShape(torch.broadcast_shapes(tuple(shape_x), tuple(shape_y)))


@user_op
def broadcast_dynamic_shape(shape_x, shape_y):
    x, y = tensor(shape_x), tensor(shape_y)
    return torch.tensor(torch.broadcast_shapes(tuple(x.tolist()), tuple(y.tolist())), dtype=x.dtype)


@user_op
def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=torch.int32, name=None):
    values, value_range = tensor(values), tensor(value_range).to(tensor(values).dtype)
    scaled = (values - value_range[0]) / (value_range[1] - value_range[0])
    return torch.clamp(torch.floor(scaled * nbins), 0, nbins - 1).to(to_torch_dtype(dtype))


@user_op
def histogram_fixed_width(values, value_range, nbins=100, dtype=torch.int32, name=None):
    bins = histogram_fixed_width_bins(values, value_range, nbins, torch.int64).reshape(-1)
    return torch.bincount(bins, minlength=nbins).to(to_torch_dtype(dtype))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    from tkeras.compat.tf_namespace._linalg_extra import global_norm
    from tkeras.ops.core import for_user
    if isinstance(t_list, torch.Tensor):
        raise TypeError("`t_list` should be a sequence of tensors. Received <class 'Tensor'>.")
    norm = tensor(global_norm(t_list) if use_norm is None else use_norm)
    scale = tensor(clip_norm).to(norm.dtype) * torch.minimum(1.0 / norm, 1.0 / tensor(clip_norm).to(norm.dtype))
    clipped = [None if t is None else for_user(tensor(t) * scale.to(tensor(t).dtype)) for t in t_list]
    return clipped, for_user(norm)


@user_op
def saturate_cast(value, dtype, name=None):
    x, dtype = tensor(value), to_torch_dtype(dtype)
    if not dtype.is_floating_point and dtype != torch.bool and not dtype.is_complex:
        info = torch.iinfo(dtype)
        low, high = info.min, info.max
        if x.is_floating_point():
            x = torch.clamp(x, low, high)
        else:
            x = torch.clamp(x.to(torch.int64) if x.dtype != torch.int64 else x, max(low, -2 ** 63),
                            min(high, 2 ** 63 - 1))
    elif dtype.is_floating_point and x.is_floating_point():
        info = torch.finfo(dtype)
        x = torch.clamp(x, info.min, info.max)
    return x.to(dtype)


@user_op
def bitcast(input, type, name=None):  # noqa: A002
    x, dtype = tensor(input), to_torch_dtype(type)
    ratio = x.element_size() / torch.empty((), dtype=dtype).element_size()
    if ratio < 1 and x.shape[-1:] != (int(1 / ratio),):
        raise errors.op_error(errors.InvalidArgumentError, "Cannot bitcast: the last dimension must match the "
                                                           "size ratio", "Bitcast")
    result = x.contiguous().view(dtype)
    if ratio > 1:
        return result.reshape(tuple(x.shape) + (int(ratio),))
    if ratio < 1:
        return result.reshape(tuple(x.shape[:-1]))
    return result


def split(value, num_or_size_splits, axis=0, num=None, name=None):
    """`tf.split` under TensorFlow's argument names (`value=`, keras-io's Focal Modulation network passes
    it by keyword): an int splits into that many equal pieces, a list gives the pieces' sizes."""
    return shape_ops.split(value, num_or_size_splits=num_or_size_splits, axis=axis, num=num)
