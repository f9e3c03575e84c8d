"""F-scores: FBetaScore and F1Score, per class or averaged (micro, macro, weighted), as Keras counts them.

The state is four per-class sums (true positives, false positives, false negatives and the support
used by 'weighted'), created on the first batch once the number of classes is known; 'micro' sums
over classes as it goes, so its state is four scalars. Everything stays on the data's device.
"""
import torch

from tkeras.backend import config
from tkeras.losses import _tensors
from tkeras.metrics.metric import Metric

_AVERAGES = (None, "micro", "macro", "weighted")
_COUNTS = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")


class FBetaScore(Metric):
    """(1 + beta^2) * precision * recall / (beta^2 * precision + recall), for 2-D (samples, classes) data.

    A prediction counts as positive when it is above `threshold`, or, with `threshold=None`, when it
    is its row's maximum (a multi-class argmax that keeps ties).
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        where = type(self).__name__
        if average not in _AVERAGES:
            raise ValueError(f"{where}: `average` must be one of None, 'micro', 'macro', 'weighted'; received "
                             f"average={average!r}")
        if not isinstance(beta, float):
            raise ValueError(f"{where}: `beta` must be a Python float; received beta={beta!r} of type "
                             f"{type(beta).__name__}")
        if beta <= 0.0:
            raise ValueError(f"{where}: `beta` must be > 0; received beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(f"{where}: `threshold` must be a Python float or None; received "
                                 f"threshold={threshold!r} of type {type(threshold).__name__}")
            if not 0.0 < threshold <= 1.0:
                raise ValueError(f"{where}: `threshold` must satisfy 0 < threshold <= 1; received "
                                 f"threshold={threshold}")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        # 'micro' pools every class into one count; the others keep one count per class.
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true, y_pred):
        if y_pred.dim() != 2 or y_true.dim() != 2:
            raise ValueError(f"{type(self).__name__} expects 2-D inputs of shape (batch_size, num_classes); "
                             f"received y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}")
        shape = () if self.average == "micro" else (y_pred.shape[-1],)
        for count in _COUNTS:
            setattr(self, count, self.add_variable(shape=shape, name=count))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _tensors.as_tensor(y_pred, dtype=self._torch_dtype,
                                    device=None if isinstance(y_pred, torch.Tensor) else self._device)
        y_true = _tensors.as_tensor(y_true, dtype=self._torch_dtype, device=y_pred.device)
        # (N,) labels for an (N, 1) sigmoid output, as `fit` hands them over (Keras rejects the pair).
        y_true, y_pred = _tensors.align_ranks(y_true, y_pred)
        self._follow(y_pred)
        if not self._built:
            self._build(y_true, y_pred)
        if self.threshold is None:
            row_max = y_pred.amax(dim=-1, keepdim=True)
            predicted = (y_pred >= row_max) & (torch.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.to(self._torch_dtype)
        if sample_weight is not None:
            sample_weight = _tensors.as_tensor(sample_weight, dtype=self._torch_dtype, device=y_pred.device)
            if sample_weight.dim() == 1:
                sample_weight = sample_weight.unsqueeze(1)  # one weight per sample, across its classes

        def weighted_sum(values):
            if sample_weight is not None:
                values = values * sample_weight
            return values.sum() if self.axis is None else values.sum(dim=self.axis)

        with torch.no_grad():
            self._accumulate(self.true_positives, weighted_sum(predicted * y_true))
            self._accumulate(self.false_positives, weighted_sum(predicted * (1.0 - y_true)))
            self._accumulate(self.false_negatives, weighted_sum((1.0 - predicted) * y_true))
            self._accumulate(self.intermediate_weights, weighted_sum(y_true))

    def result(self):
        if not self._built:
            return torch.zeros((), dtype=self._torch_dtype, device=self._device)
        eps = config.epsilon()
        tp = self.true_positives.detach()
        precision = tp / (tp + self.false_positives.detach() + eps)
        recall = tp / (tp + self.false_negatives.detach() + eps)
        beta_squared = self.beta ** 2
        score = precision * recall / (beta_squared * precision + recall + eps) * (1.0 + beta_squared)
        if self.average == "weighted":
            support = self.intermediate_weights.detach()
            return (score * (support / (support.sum() + eps))).sum()
        if self.average is not None:
            return score.mean()
        return score

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """The harmonic mean of precision and recall: FBetaScore with beta = 1."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config_ = super().get_config()
        del config_["beta"]
        return config_
