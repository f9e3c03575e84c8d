"""Weighted confusion counts at a set of thresholds, as Keras' confusion-matrix metrics count them.

A prediction is positive at threshold t when it is strictly greater than t; labels are positive
when non-zero. Two ways to count, same rule: comparing every prediction with every threshold
(any thresholds), and, for evenly spaced thresholds (AUC's 200), dropping each prediction in its
bucket and taking a reversed cumulative sum, O(N + T) instead of O(N * T). Both run on the device.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.losses import _tensors

NEG_INF = -1e10  # Keras' "below every threshold" for predictions outside the top k


def evenly_spaced(thresholds):
    """Keras' test: n >= 3 thresholds lying on i / (n - 1) within epsilon."""
    thresholds = np.asarray(thresholds, dtype=np.float64)
    n = len(thresholds)
    if n < 3:
        return False
    return bool(np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1), atol=config.epsilon()))


def _filter_top_k(y_pred, k):
    """Keep each row's k largest predictions, push the rest below every threshold."""
    k = min(k, y_pred.shape[-1])
    top = torch.topk(y_pred, k, dim=-1).indices
    keep = torch.zeros_like(y_pred, dtype=torch.bool).scatter_(-1, top, True)
    return torch.where(keep, y_pred, torch.full_like(y_pred, NEG_INF))


def prepare(y_true, y_pred, sample_weight, top_k=None, class_id=None):
    """Aligned (labels as 0/1 floats, predictions, weights broadcast to predictions or None)."""
    y_pred = _tensors.as_float(y_pred)
    y_true = _tensors.as_tensor(y_true, device=y_pred.device)
    y_pred, y_true = _tensors.align_ranks(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = _tensors.as_tensor(sample_weight, dtype=y_pred.dtype, device=y_pred.device)
        sample_weight = sample_weight.unsqueeze(-1)
        _, sample_weight = _tensors.align_ranks(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.dim() < 2:
            raise ValueError(f"class_id={class_id} needs y_pred of shape (num_samples, num_classes); received "
                             f"y_pred.shape={tuple(y_pred.shape)}")
        y_true = y_true[..., class_id:class_id + 1]
        y_pred = y_pred[..., class_id:class_id + 1]
        if sample_weight is not None and sample_weight.dim() == y_pred.dim() and sample_weight.shape[-1] > 1:
            sample_weight = sample_weight[..., class_id:class_id + 1]
    labels = (y_true != 0).to(y_pred.dtype)
    if sample_weight is not None:
        sample_weight = torch.broadcast_to(sample_weight, y_pred.shape)
    return labels, y_pred, sample_weight


def counts_by_comparison(labels, y_pred, weights, thresholds):
    """tp, fp, tn, fn per threshold (shape (T,)), all predictions pooled."""
    labels = labels.reshape(1, -1)
    predicted = y_pred.reshape(1, -1) > thresholds.reshape(-1, 1)
    weights = torch.ones_like(labels) if weights is None else weights.reshape(1, -1)
    positive = labels * weights
    negative = (1.0 - labels) * weights
    predicted = predicted.to(positive.dtype)
    tp = (predicted * positive).sum(dim=1)
    fp = (predicted * negative).sum(dim=1)
    return tp, fp, negative.sum() - fp, positive.sum() - tp


def counts_by_buckets(labels, y_pred, weights, num_thresholds, multi_label=False, with_epsilon=True):
    """tp, fp, tn, fn at thresholds [-eps, 1/(T-1), ..., 1+eps], bucketed (Keras' fast path).

    Shapes (T,), or (T, num_labels) with `multi_label`. `with_epsilon=False` is the grid
    [0, 1/(T-1), ..., 1] of the at-sensitivity/at-recall metrics: there a prediction of exactly 0 is
    above no threshold, so it falls in an extra bucket below the first that no count includes.
    """
    y_pred = y_pred.clamp(0.0, 1.0)
    weights = torch.ones_like(labels) if weights is None else weights
    positive = labels * weights
    negative = (1.0 - labels) * weights
    # Bucket i holds predictions in (t_i, t_{i+1}]; with the -eps threshold a 0 lands in bucket 0.
    buckets = torch.ceil(y_pred * (num_thresholds - 1)) - 1
    buckets = (buckets.clamp_min(0) if with_epsilon else buckets + 1).long()
    rows = num_thresholds if with_epsilon else num_thresholds + 1
    num_labels = y_pred.shape[-1] if multi_label else 1
    if multi_label:
        buckets = buckets.reshape(-1, num_labels) * num_labels + torch.arange(num_labels, device=y_pred.device)
    buckets = buckets.reshape(-1)

    def cumulative(values):
        per_bucket = torch.zeros(rows * num_labels, dtype=values.dtype, device=values.device)
        per_bucket.index_add_(0, buckets, values.reshape(-1))
        per_bucket = per_bucket.reshape(rows, num_labels)[rows - num_thresholds:]
        if not multi_label:
            per_bucket = per_bucket.reshape(-1)
        return per_bucket.flip(0).cumsum(0).flip(0)

    tp, fp = cumulative(positive), cumulative(negative)
    if multi_label:
        total_pos = positive.reshape(-1, positive.shape[-1]).sum(dim=0)
        total_neg = negative.reshape(-1, negative.shape[-1]).sum(dim=0)
    else:
        total_pos, total_neg = positive.sum(), negative.sum()
    return tp, fp, total_neg - fp, total_pos - tp


def divide_no_nan(numerator, denominator):
    safe = torch.where(denominator != 0, denominator, torch.ones_like(denominator))
    return torch.where(denominator != 0, numerator / safe, torch.zeros_like(numerator))
