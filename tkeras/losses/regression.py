"""Regression losses: squared/absolute/percentage/log errors, Huber, log-cosh, cosine similarity.

Each function takes (y_true, y_pred) and returns one value per sample, averaging the last axis, as
Keras' functions do; the classes add sample weights and the reduction.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.losses import _tensors
from tkeras.losses.loss import LossFunctionWrapper


def _prepare(y_true, y_pred):
    y_pred = _tensors.as_prediction(y_pred)
    return _tensors.align_ranks(_tensors.true_like(y_true, y_pred), y_pred)


def mean_squared_error(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    return torch.square(y_true - y_pred).mean(dim=-1)


def mean_absolute_error(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    return torch.abs(y_true - y_pred).mean(dim=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean |(y - p) / y|, the denominator kept away from 0 by epsilon."""
    y_true, y_pred = _prepare(y_true, y_pred)
    diff = torch.abs((y_true - y_pred) / torch.abs(y_true).clamp_min(config.epsilon()))
    return 100.0 * diff.mean(dim=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Squared error of log(1 + x), with negative values floored at epsilon first."""
    y_true, y_pred = _prepare(y_true, y_pred)
    eps = config.epsilon()
    first = torch.log(y_pred.clamp_min(eps) + 1.0)
    second = torch.log(y_true.clamp_min(eps) + 1.0)
    return torch.square(first - second).mean(dim=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Minus the cosine: Keras' sign, so that minimising the loss maximises the similarity."""
    y_true, y_pred = _prepare(y_true, y_pred)
    # Keras' l2_normalize divides by sqrt(max(sum x^2, 1e-12)).
    y_true = y_true * torch.rsqrt(torch.square(y_true).sum(dim=axis, keepdim=True).clamp_min(1e-12))
    y_pred = y_pred * torch.rsqrt(torch.square(y_pred).sum(dim=axis, keepdim=True).clamp_min(1e-12))
    return -(y_true * y_pred).sum(dim=axis)


def huber(y_true, y_pred, delta=1.0):
    """Quadratic for errors up to `delta`, linear beyond, so outliers pull less than in MSE."""
    y_true, y_pred = _prepare(y_true, y_pred)
    error = y_pred - y_true
    abs_error = torch.abs(error)
    values = torch.where(abs_error <= delta, 0.5 * torch.square(error), delta * abs_error - 0.5 * delta ** 2)
    return values.mean(dim=-1)


# Keras takes log(2) in float32 and casts it to the prediction's dtype: a float64 log-cosh is 1.9e-9 off the
# exact one there, and matching that keeps a float64 notebook's printed digits.
_LOG_2_AS_KERAS = float(np.float32(math.log(2.0)))


def log_cosh(y_true, y_pred):
    """log(cosh(error)) written as x + softplus(-2x) - log 2, which never overflows."""
    y_true, y_pred = _prepare(y_true, y_pred)
    error = y_pred - y_true
    return (error + F.softplus(-2.0 * error) - _LOG_2_AS_KERAS).mean(dim=-1)


class _Regression(LossFunctionWrapper):
    elementwise = True
    _function = None
    _default_name = None

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None):
        # name=None (as a config or a caller may pass) still means the loss' own name, as in Keras.
        super().__init__(type(self)._function, name=name or self._default_name, reduction=reduction, dtype=dtype)


class MeanSquaredError(_Regression):
    _function = staticmethod(mean_squared_error)
    _default_name = "mean_squared_error"

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(_Regression):
    _function = staticmethod(mean_absolute_error)
    _default_name = "mean_absolute_error"

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_Regression):
    _function = staticmethod(mean_absolute_percentage_error)
    _default_name = "mean_absolute_percentage_error"

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_Regression):
    _function = staticmethod(mean_squared_logarithmic_error)
    _default_name = "mean_squared_logarithmic_error"

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class LogCosh(_Regression):
    _function = staticmethod(log_cosh)
    _default_name = "log_cosh"

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class Huber(LossFunctionWrapper):
    elementwise = True

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)
        self.delta = delta


class CosineSimilarity(LossFunctionWrapper):
    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis
