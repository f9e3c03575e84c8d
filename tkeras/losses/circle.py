"""Circle loss for metric learning (Sun et al., 2020): pull same-label embeddings together, push others apart.

`y_true` holds integer labels and `y_pred` L2-normalised embeddings, one per sample; every sample is
compared with every reference embedding (the batch itself by default). Each pair's cosine distance
is re-weighted by how far it is from its optimum, so pairs already well placed count little. A
sample with nothing left to learn has loss 0 and is masked out of the mean, as in Keras.
"""
import torch
import torch.nn.functional as F

from tkeras.losses import _tensors
from tkeras.losses.loss import LossFunctionWrapper


def _labels(labels, device):
    labels = _tensors.as_tensor(labels, device=device)
    return labels.to(torch.int32).reshape(-1, 1) if labels.dim() <= 1 else labels.to(torch.int32)


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """One loss per sample of `y_pred` (N, D) against `ref_embeddings` (M, D), labels (N,) and (M,)."""
    y_pred = _tensors.as_float(y_pred)
    queries = _labels(y_true, y_pred.device)
    keys = queries if ref_labels is None else _labels(ref_labels, y_pred.device)
    references = y_pred if ref_embeddings is None else _tensors.as_tensor(ref_embeddings, dtype=y_pred.dtype,
                                                                          device=y_pred.device)
    distances = (1.0 - y_pred @ references.T).clamp_min(0.0)  # (N, M) cosine distances
    positive = queries == keys.T
    negative = ~positive
    if remove_diagonal:
        positive = positive & ~torch.eye(*positive.shape, dtype=torch.bool, device=positive.device)
    positive_f, negative_f = positive.to(distances.dtype), negative.to(distances.dtype)
    # Optimum distances: margin for positives, 1 + margin for negatives; decision margins margin, 1 - margin.
    positive_weights = ((margin + distances) * positive_f).clamp_min(0.0)
    negative_weights = ((1.0 + margin - distances) * negative_f).clamp_min(0.0)
    positive_logits = -gamma * positive_weights * (margin - distances)
    negative_logits = gamma * negative_weights * (1.0 - margin - distances)
    minus_inf = torch.full_like(distances, float("-inf"))
    positive_term = torch.logsumexp(torch.where(positive, positive_logits, minus_inf), dim=1)
    negative_term = torch.logsumexp(torch.where(negative, negative_logits, minus_inf), dim=1)
    loss = F.softplus(positive_term + negative_term)
    loss._keras_mask = loss > 0
    return loss


class Circle(LossFunctionWrapper):
    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction="sum_over_batch_size",
                 name="circle", dtype=None):
        super().__init__(circle, name=name, reduction=reduction, dtype=dtype, gamma=gamma, margin=margin,
                         remove_diagonal=remove_diagonal)
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal
