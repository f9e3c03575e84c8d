"""Overlap losses for segmentation masks: Dice and Tversky.

Both compare a soft prediction mask with the target as sums over `axis` (every axis by default, so
the whole batch gives one value; `axis=[1, 2]` gives one value per image). Tversky weighs false
positives by `alpha` and false negatives by `beta`; with both at 0.5 it is the Dice loss.
"""
import torch

from tkeras.backend import config
from tkeras.losses import _tensors
from tkeras.losses.loss import LossFunctionWrapper


def _sum(values, axis):
    if axis is None:
        return values.sum()
    return values.sum(dim=tuple(axis) if isinstance(axis, (list, tuple)) else axis)


def _prepare(y_true, y_pred):
    y_pred = _tensors.as_float(y_pred)
    return _tensors.true_like(y_true, y_pred), y_pred


def dice(y_true, y_pred, axis=None):
    """1 - 2 |y ∩ p| / (|y| + |p|), with soft masks: 0 for a perfect overlap, 1 for none."""
    y_true, y_pred = _prepare(y_true, y_pred)
    intersection = _sum(y_true * y_pred, axis)
    return 1.0 - 2.0 * intersection / (_sum(y_true, axis) + _sum(y_pred, axis) + config.epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 - tp / (tp + alpha * fp + beta * fn), with Keras' reading of fp and fn on soft masks."""
    y_true, y_pred = _prepare(y_true, y_pred)
    intersection = _sum(y_true * y_pred, axis)
    false_positives = _sum((1.0 - y_pred) * y_true, axis)
    false_negatives = _sum(y_pred * (1.0 - y_true), axis)
    return 1.0 - intersection / (intersection + alpha * false_positives + beta * false_negatives + config.epsilon())


class Dice(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis


class Tversky(LossFunctionWrapper):
    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky", axis=None,
                 dtype=None):
        super().__init__(tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha, beta=beta, axis=axis)
        self.alpha, self.beta = alpha, beta
        self.axis = axis
