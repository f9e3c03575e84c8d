"""The rest of `tf.nn` that scripts still call: atrous (dilated) convolutions under their DeepLab-era names,
bag-of-ids embeddings from SparseTensors, isotonic regression, the old global batch-norm op,
`space_to_batch`, and the depthwise convolution gradients some custom layers call directly."""
import torch

from tkeras.compat.tf_namespace import _nn_conv
from tkeras.compat.tf_namespace._nn_extra import sharded_table
from tkeras.compat.tf_namespace.sparse import SparseTensor
from tkeras.ops.core import tensor, user_op


@user_op
def atrous_conv2d(value, filters, rate, padding, name=None):
    return _nn_conv.convolution(value, filters, 1, padding, "NHWC", int(rate))


@user_op
def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    return _nn_conv._transpose(value, filters, output_shape, 1, padding, "NHWC", int(rate), 2)


_COMBINERS = ("mean", "sqrtn", "sum")


def _combine(table, rows, ids, weights, combiner, max_norm, count):
    """Weighted bag of embeddings per row: the core of both sparse lookups."""
    if combiner not in _COMBINERS:
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner}")
    vectors = table[ids.to(table.device)]
    if max_norm is not None:
        dims = tuple(range(1, vectors.dim()))
        norms = torch.linalg.vector_norm(vectors, dim=dims, keepdim=True)
        vectors = vectors * torch.clamp(max_norm / torch.clamp(norms, min=1e-30), max=1.0)
    if weights is None:
        weights = torch.ones(ids.shape[0], dtype=vectors.dtype, device=vectors.device)
    weights = weights.to(vectors.dtype).to(vectors.device)
    shape = (count,) + tuple(vectors.shape[1:])
    rows = rows.to(vectors.device)
    spread = weights.reshape((-1,) + (1,) * (vectors.dim() - 1))
    total = torch.zeros(shape, dtype=vectors.dtype, device=vectors.device).index_add(0, rows, vectors * spread)
    if combiner == "sum":
        return total
    scale = weights if combiner == "mean" else weights * weights
    norm = torch.zeros(count, dtype=vectors.dtype, device=vectors.device).index_add(0, rows, scale)
    if combiner == "sqrtn":
        norm = torch.sqrt(norm)
    norm = norm.reshape((-1,) + (1,) * (vectors.dim() - 1))
    return torch.where(norm > 0, total / torch.where(norm > 0, norm, torch.ones_like(norm)), torch.zeros_like(total))


def _sparse(value, argument):
    if not isinstance(value, SparseTensor):
        raise TypeError(f"{argument} must be a tf.SparseTensor, received {type(value).__name__}")
    return value


@user_op
def embedding_lookup_sparse(params, sp_ids, sp_weights, combiner=None, max_norm=None, name=None,
                            allow_fast_lookup=False):
    """One combined embedding per row of `sp_ids` (rows up to the last one holding an id; rows without
    ids in between are zeros), as TensorFlow's segment-based lookup returns."""
    ids = _sparse(sp_ids, "sp_ids")
    rows = ids._indices[:, 0]
    count = int(rows.max()) + 1 if rows.numel() else 0
    weights = _sparse(sp_weights, "sp_weights")._values if sp_weights is not None else None
    return _combine(sharded_table(params), rows, ids._values.to(torch.int64), weights, combiner or "mean", max_norm,
                    count)


@user_op
def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None, combiner="mean",
                                 default_id=None, max_norm=None, name=None, allow_fast_lookup=False):
    """Like `embedding_lookup_sparse`, but invalid ids (< 0) are dropped (and non-positive weights, unless
    summing), and every row of the dense shape gets a result: `default_id`'s embedding for an empty row, else
    zeros."""
    ids = _sparse(sparse_ids, "sparse_ids")
    shape = ids._dense_shape.tolist()
    leading = shape[:-1]
    count = 1
    for d in leading:
        count *= int(d)
    strides = [1] * len(leading)
    for i in range(len(leading) - 2, -1, -1):
        strides[i] = strides[i + 1] * int(leading[i + 1])
    rows = (ids._indices[:, :-1] * torch.tensor(strides, dtype=torch.int64, device=ids._indices.device)).sum(-1)
    values = ids._values.to(torch.int64)
    keep = values >= 0
    weights = None
    if sparse_weights is not None:
        weights = _sparse(sparse_weights, "sparse_weights")._values
        if combiner != "sum":  # a weighted sum takes any weight; averages drop non-positive ones, as TF does
            keep = keep & (weights.to(keep.device) > 0)
        weights = weights[keep.to(weights.device)]
    rows, values = rows[keep], values[keep]
    table = sharded_table(embedding_weights)
    result = _combine(table, rows, values, weights, combiner, max_norm, count)
    empty = torch.ones(count, dtype=torch.bool, device=result.device)
    empty[rows.to(result.device)] = False
    if default_id is not None:
        fallback = _combine(table, torch.zeros(1, dtype=torch.int64), torch.tensor([int(default_id)]), None,
                            combiner, max_norm, 1)
        result = torch.where(empty.reshape((-1,) + (1,) * (result.dim() - 1)), fallback, result)
    return result.reshape(tuple(int(d) for d in leading) + tuple(result.shape[1:]))


def _pava(row, decreasing):
    """Pool-adjacent-violators on one row: the segment id of each element."""
    blocks = []  # [sum, count]
    for v in row:
        blocks.append([v, 1])
        while len(blocks) > 1:
            (s1, n1), (s2, n2) = blocks[-2], blocks[-1]
            violated = s1 / n1 < s2 / n2 if decreasing else s1 / n1 > s2 / n2
            if not violated:
                break
            blocks[-2:] = [[s1 + s2, n1 + n2]]
    segments = []
    for i, (_, n) in enumerate(blocks):
        segments.extend([i] * n)
    return segments


@user_op
def isotonic_regression(inputs, decreasing=True, axis=-1):
    """The closest monotone sequence along `axis` (least squares): returns (fit, int32 segment ids). The fit
    is each segment's mean of the inputs, so gradients flow back to them."""
    x = tensor(inputs)
    moved = x.movedim(axis, -1)
    flat = moved.reshape(-1, moved.shape[-1]) if moved.dim() else moved.reshape(1, 1)
    out_dtype = x.dtype if x.dtype.is_floating_point else torch.float32
    flat_f = flat.to(out_dtype)
    segments = torch.tensor([_pava(r, bool(decreasing)) for r in flat_f.detach().double().cpu().tolist()],
                            dtype=torch.int64).reshape(flat.shape).to(x.device)
    sums = torch.zeros(flat.shape, dtype=out_dtype, device=x.device).scatter_add(1, segments, flat_f)
    counts = torch.zeros(flat.shape, dtype=out_dtype, device=x.device).scatter_add(1, segments,
                                                                                   torch.ones_like(flat_f))
    fit = torch.gather(sums / torch.clamp(counts, min=1), 1, segments)
    return (fit.reshape(moved.shape).movedim(-1, axis),
            segments.to(torch.int32).reshape(moved.shape).movedim(-1, axis))


@user_op
def batch_norm_with_global_normalization(input, mean, variance, beta, gamma, variance_epsilon,  # noqa: A002
                                         scale_after_normalization, name=None):
    from tkeras.compat.tf_namespace._nn_extra import batch_normalization
    return batch_normalization(input, mean, variance, beta, gamma if scale_after_normalization else None,
                               variance_epsilon)


def space_to_batch(input, block_shape, paddings, name=None):  # noqa: A002
    """tf.nn's name for the top-level op (one implementation, in _top_extra.py)."""
    from tkeras.compat.tf_namespace._top_extra import space_to_batch_nd
    return space_to_batch_nd(input, block_shape, paddings, name=name)


def _depthwise_vjp(input_value, filter_value, out_backprop, strides, padding, data_format, dilations, wrt):
    x = tensor(input_value).detach().requires_grad_(wrt == "input")
    w = tensor(filter_value).detach().requires_grad_(wrt == "filter")
    with torch.enable_grad():
        out = _nn_conv.depthwise_conv2d.__wrapped__(x, w, strides, padding, data_format, dilations)
        grad, = torch.autograd.grad(out, x if wrt == "input" else w, tensor(out_backprop).to(out.dtype))
    return grad


@user_op
def depthwise_conv2d_backprop_input(input_sizes, filter, out_backprop, strides, padding,  # noqa: A002
                                    data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    w = tensor(filter)
    zeros = torch.zeros([int(s) for s in tensor(input_sizes).reshape(-1).tolist()], dtype=w.dtype, device=w.device)
    return _depthwise_vjp(zeros, w, out_backprop, strides, padding, data_format, dilations, "input")


@user_op
def depthwise_conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                                     data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    x = tensor(input)
    zeros = torch.zeros([int(s) for s in tensor(filter_sizes).reshape(-1).tolist()], dtype=x.dtype, device=x.device)
    return _depthwise_vjp(x, zeros, out_backprop, strides, padding, data_format, dilations, "filter")
