"""Keras 1's batch-wise precision, recall and F-scores (`keras.metrics.fmeasure` & co., Keras 1.x).

Keras 2.0 removed them because a mean over batches of a per-batch ratio is not the dataset's
precision or F1 (Keras 2+ has the stateful `Precision`, `Recall` and `F1Score` for that). Scripts of
the Keras 1 years still import them or name them in `compile(metrics=['fmeasure'])`, and their
printed figures are these batch means, so the functions keep Keras 1's definition: predictions
rounded at 0.5 after clipping to [0, 1], counts summed over the whole batch, `epsilon()` in the
denominators, and an F-score of 0 for a batch without positive targets. The bare strings
'precision' and 'recall' keep meaning the stateful metrics, as in Keras 2 and 3.
"""
import torch

from tkeras.backend import config
from tkeras.losses import _tensors


def _counts(y_true, y_pred):
    y_pred = _tensors.as_float(y_pred)
    y_true = _tensors.as_tensor(y_true, device=y_pred.device).to(y_pred.dtype)
    y_true, y_pred = _tensors.align_ranks(y_true, y_pred)
    true_positives = torch.round(torch.clamp(y_true * y_pred, 0, 1)).sum()
    predicted_positives = torch.round(torch.clamp(y_pred, 0, 1)).sum()
    actual_positives = torch.round(torch.clamp(y_true, 0, 1)).sum()
    return true_positives, predicted_positives, actual_positives


def precision(y_true, y_pred):
    """The batch's true positives over its predicted positives (Keras 1)."""
    true_positives, predicted_positives, _ = _counts(y_true, y_pred)
    return true_positives / (predicted_positives + config.epsilon())


def recall(y_true, y_pred):
    """The batch's true positives over its positive targets (Keras 1)."""
    true_positives, _, actual_positives = _counts(y_true, y_pred)
    return true_positives / (actual_positives + config.epsilon())


def fbeta_score(y_true, y_pred, beta=1):
    """The batch's F-beta score from its precision and recall; 0 when it has no positive target (Keras 1)."""
    if beta < 0:
        raise ValueError(f"fbeta_score: beta must be >= 0 (0 scores precision alone), received {beta}")
    true_positives, predicted_positives, actual_positives = _counts(y_true, y_pred)
    eps = config.epsilon()
    p = true_positives / (predicted_positives + eps)
    r = true_positives / (actual_positives + eps)
    weight = beta ** 2
    score = (1 + weight) * (p * r) / (weight * p + r + eps)
    return torch.where(actual_positives == 0, torch.zeros_like(score), score)


def fmeasure(y_true, y_pred):
    """F1 of the batch (Keras 1's `fbeta_score` with beta = 1)."""
    return fbeta_score(y_true, y_pred, beta=1)
