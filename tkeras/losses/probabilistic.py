"""Losses between distributions or counts: Kullback-Leibler divergence and Poisson."""
import torch

from tkeras.backend import config
from tkeras.losses import _tensors
from tkeras.losses.loss import LossFunctionWrapper


def kl_divergence(y_true, y_pred):
    """sum y * log(y / p) over the last axis, both clipped to [epsilon, 1] so empty classes add 0."""
    y_pred = _tensors.as_prediction(y_pred)
    y_true = _tensors.true_like(y_true, y_pred)
    eps = config.epsilon()
    y_true = y_true.clamp(eps, 1.0)
    y_pred = y_pred.clamp(eps, 1.0)
    return (y_true * torch.log(y_true / y_pred)).sum(dim=-1)


def poisson(y_true, y_pred):
    """mean(p - y * log(p + epsilon)): the Poisson negative log-likelihood up to a constant."""
    y_pred = _tensors.as_prediction(y_pred)
    y_true, y_pred = _tensors.align_ranks(_tensors.true_like(y_true, y_pred), y_pred)
    return (y_pred - y_true * torch.log(y_pred + config.epsilon())).mean(dim=-1)


class KLDivergence(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


class Poisson(LossFunctionWrapper):
    elementwise = True

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)
