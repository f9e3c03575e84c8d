"""`tf.nn` losses and helpers that custom training loops call by TensorFlow's names and argument order
(`compute_average_loss`, `l2_loss`, `batch_normalization(x, mean, variance, offset, scale, eps)`, ...)."""
import torch
import torch.nn.functional as F

from tkeras.ops.core import tensor, user_op
from tkeras.ops.math_ops import pair


@user_op
def l2_loss(t, name=None):
    t = tensor(t)
    return (t * t).sum() / 2


@user_op
def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    labels, logits = pair(labels, logits)
    log_weight = 1 + (tensor(pos_weight).to(logits.dtype) - 1) * labels
    # the stable form: softplus(-|x|) + max(-x, 0) is log(1 + exp(-x))
    return (1 - labels) * logits + log_weight * (F.softplus(-logits.abs()) + torch.clamp(-logits, min=0))


@user_op
def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    targets, log_input = pair(targets, log_input)
    loss = torch.exp(log_input) - log_input * targets
    if compute_full_loss:
        stirling = targets * torch.log(targets) - targets + 0.5 * torch.log(2 * torch.pi * targets)
        loss = loss + torch.where(targets > 1, stirling, torch.zeros_like(targets))
    return loss


@user_op
def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    x = tensor(x)
    inv = torch.rsqrt(tensor(variance).to(x.dtype) + variance_epsilon)
    if scale is not None:
        inv = inv * tensor(scale).to(x.dtype)
    shift = -tensor(mean).to(x.dtype) * inv
    if offset is not None:
        shift = shift + tensor(offset).to(x.dtype)
    return x * inv + shift


def sharded_table(params):
    """One table, or TensorFlow 2's sharded one: a list of shards holding contiguous id ranges in order
    ('div'), so the shards stacked end to end are the table."""
    if isinstance(params, (list, tuple)):
        return torch.cat([tensor(p) for p in params]) if len(params) > 1 else tensor(params[0])
    return tensor(params)


@user_op
def embedding_lookup(params, ids, max_norm=None, name=None):
    ids = tensor(ids).long()
    table = sharded_table(params)
    if ids.numel() and (bool((ids < 0).any()) or bool((ids >= table.shape[0]).any())):
        from tkeras.compat.tf_namespace import errors
        bad = ids[(ids < 0) | (ids >= table.shape[0])].reshape(-1)[0]
        raise errors.op_error(errors.InvalidArgumentError, f"indices[...] = {int(bad)} is not in "
                                                           f"[0, {table.shape[0]})", "ResourceGather")
    result = table[ids]
    if max_norm is not None:
        norms = torch.linalg.vector_norm(result, dim=tuple(range(ids.dim(), result.dim())), keepdim=True)
        result = result * torch.clamp(max_norm / torch.clamp(norms, min=1e-30), max=1.0)
    return result


@user_op
def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """Sum over the global batch: one replica here, so the batch is this call's first dimension."""
    loss = tensor(per_example_loss)
    if sample_weight is not None:
        loss = loss * tensor(sample_weight).to(loss.dtype)
    if global_batch_size is None:
        global_batch_size = loss.shape[0] if loss.dim() else 1
    return loss.sum() / torch.tensor(global_batch_size, dtype=loss.dtype)


@user_op
def scale_regularization_loss(regularization_loss):
    return tensor(regularization_loss).sum() if isinstance(regularization_loss, torch.Tensor) else \
        torch.stack([tensor(r) for r in regularization_loss]).sum() if isinstance(regularization_loss, (list, tuple)) \
        else tensor(regularization_loss)


@user_op
def crelu(features, name=None, axis=-1):
    x = tensor(features)
    return torch.cat([F.relu(x), F.relu(-x)], dim=axis)


@user_op
def sufficient_statistics(x, axes, shift=None, keepdims=False, name=None):
    x = tensor(x)
    axes = [a % x.dim() for a in ([axes] if isinstance(axes, int) else axes)]
    count = torch.tensor(float(torch.tensor([x.shape[a] for a in axes]).prod()), dtype=x.dtype)
    centred = x - tensor(shift).to(x.dtype) if shift is not None else x
    mean_ss = centred.sum(axes, keepdim=keepdims)
    var_ss = (centred * centred).sum(axes, keepdim=keepdims)
    return count, mean_ss, var_ss, (tensor(shift) if shift is not None else None)


@user_op
def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    counts = tensor(counts)
    divisor = 1 / counts
    shifted = tensor(mean_ss) * divisor
    mean = shifted + tensor(shift) if shift is not None else shifted
    return mean, tensor(variance_ss) * divisor - shifted * shifted


@user_op
def weighted_moments(x, axes, frequency_weights, name=None, keepdims=False):
    x = tensor(x)
    w = tensor(frequency_weights).to(x.dtype)
    axes = [axes] if isinstance(axes, int) else list(axes)
    total = (w * torch.ones_like(x)).sum(axes, keepdim=True)
    mean = (w * x).sum(axes, keepdim=True) / total
    variance = (w * (x - mean) ** 2).sum(axes, keepdim=True) / total
    if not keepdims:
        mean, variance = mean.squeeze(axes), variance.squeeze(axes)
    return mean, variance


@user_op
def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None):  # noqa: A002
    x = tensor(input)
    squares = F.pad((x * x).movedim(-1, 1).unsqueeze(1), (0, 0, 0, 0, depth_radius, depth_radius))
    window = F.avg_pool3d(squares, (2 * depth_radius + 1, 1, 1), stride=1) * (2 * depth_radius + 1)
    return x / (bias + alpha * window.squeeze(1).movedim(1, -1)) ** beta


lrn = local_response_normalization


@user_op
def depth_to_space(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    x = tensor(input)
    n, h, w, c = x.shape
    b = block_size
    return x.reshape(n, h, w, b, b, c // (b * b)).permute(0, 1, 3, 2, 4, 5).reshape(n, h * b, w * b, c // (b * b))


@user_op
def space_to_depth(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    x = tensor(input)
    n, h, w, c = x.shape
    b = block_size
    return x.reshape(n, h // b, b, w // b, b, c).permute(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, b * b * c)


@user_op
def ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, unique=None, blank_index=None,
             name=None):
    """Dense labels only (TensorFlow's SparseTensor labels need tf.sparse); blank defaults to class 0."""
    logits = tensor(logits)
    if not logits_time_major:
        logits = logits.transpose(0, 1)
    classes = logits.shape[-1]
    blank = 0 if blank_index is None else int(blank_index) % classes
    log_probs = F.log_softmax(logits.float(), dim=-1)
    loss = F.ctc_loss(log_probs, tensor(labels).long(), tensor(logit_length).long(), tensor(label_length).long(),
                      blank=blank, reduction="none", zero_infinity=False)
    return loss.to(logits.dtype)


@user_op
def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True, name=None):
    result = torch.topk(tensor(operand), int(k), dim=reduction_dimension)
    return result.values, result.indices.to(torch.int32)


@user_op
def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True, name=None):
    result = torch.topk(tensor(operand), int(k), dim=reduction_dimension, largest=False)
    return result.values, result.indices.to(torch.int32)
