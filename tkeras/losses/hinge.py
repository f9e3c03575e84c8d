"""Max-margin losses: hinge, squared hinge and categorical hinge.

Hinge losses want labels in {-1, 1}; Keras converts {0, 1} labels for you, deciding on the whole
batch. The decision is made on the device (`torch.where`) so no value is read back per step.
"""
import torch

from tkeras.losses import _tensors
from tkeras.losses.loss import LossFunctionWrapper


def _signed_labels(y_true):
    """{0, 1} labels -> {-1, 1}; any other labelling is left as given."""
    binary = ((y_true == 0) | (y_true == 1)).all()
    return torch.where(binary, 2.0 * y_true - 1.0, y_true)


def _prepare(y_true, y_pred):
    y_pred = _tensors.as_prediction(y_pred)
    y_true, y_pred = _tensors.align_ranks(_tensors.true_like(y_true, y_pred), y_pred)
    return _signed_labels(y_true), y_pred


def hinge(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    return torch.clamp(1.0 - y_true * y_pred, min=0.0).mean(dim=-1)


def squared_hinge(y_true, y_pred):
    y_true, y_pred = _prepare(y_true, y_pred)
    return torch.square(torch.clamp(1.0 - y_true * y_pred, min=0.0)).mean(dim=-1)


def categorical_hinge(y_true, y_pred):
    """max(0, 1 + best wrong-class score - true-class score), for one-hot targets."""
    y_pred = _tensors.as_prediction(y_pred)
    y_true = _tensors.true_like(y_true, y_pred)
    positive = (y_true * y_pred).sum(dim=-1)
    negative = ((1.0 - y_true) * y_pred).amax(dim=-1)
    return torch.clamp(negative - positive + 1.0, min=0.0)


class Hinge(LossFunctionWrapper):
    elementwise = True

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    elementwise = True

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)
