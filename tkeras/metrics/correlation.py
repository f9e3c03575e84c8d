"""Correlation metrics: Pearson's r and Lin's concordance correlation, per sample, averaged over samples.

Both are computed along `axis` (the last, by default: each sample's features against its targets),
then the metric keeps a running weighted mean of those per-sample values, as Keras does.
"""
import torch

from tkeras.backend import config
from tkeras.losses import _tensors
from tkeras.metrics.metric import Metric
from tkeras.metrics.reduction import MeanMetricWrapper


def _prepare(y_true, y_pred):
    y_pred = _tensors.as_float(y_pred)
    return _tensors.align_ranks(_tensors.true_like(y_true, y_pred), y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's r along `axis`: the mean product of the two standardised variables."""
    y_true, y_pred = _prepare(y_true, y_pred)
    true_centred = y_true - y_true.mean(dim=axis, keepdim=True)
    pred_centred = y_pred - y_pred.mean(dim=axis, keepdim=True)
    true_centred = true_centred / true_centred.std(dim=axis, keepdim=True, correction=0)
    pred_centred = pred_centred / pred_centred.std(dim=axis, keepdim=True, correction=0)
    return (true_centred * pred_centred).mean(dim=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance: like Pearson's r but also penalising a shift or scale between the two.

    The covariance term centres y_true on the mean of y_pred, Keras' exact formula.
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    true_mean = y_true.mean(dim=axis, keepdim=True)
    pred_mean = y_pred.mean(dim=axis, keepdim=True)
    true_var = (y_true - true_mean).var(dim=axis, keepdim=True, correction=0)
    pred_var = (y_pred - pred_mean).var(dim=axis, keepdim=True, correction=0)
    covariance = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + torch.square(true_mean - pred_mean)
    return (2.0 * covariance / (norm + config.epsilon())).mean(dim=axis)


class _CorrelationMean(MeanMetricWrapper):
    _function = None

    def __init__(self, name=None, dtype=None, axis=-1):
        super().__init__(type(self)._function, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {**Metric.get_config(self), "axis": self.axis}


class PearsonCorrelation(_CorrelationMean):
    """Running mean of `pearson_correlation` over the samples seen."""

    _function = staticmethod(pearson_correlation)

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(name=name, dtype=dtype, axis=axis)


class ConcordanceCorrelation(_CorrelationMean):
    """Running mean of `concordance_correlation` over the samples seen."""

    _function = staticmethod(concordance_correlation)

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(name=name, dtype=dtype, axis=axis)
