"""Threshold metrics: TruePositives/FalsePositives/TrueNegatives/FalseNegatives, Precision, Recall.

`thresholds` may be one number (the result is a scalar) or a list (one result per threshold), as in
Keras; predictions count as positive when strictly above a threshold.
"""
import torch

from tkeras.metrics import _confusion
from tkeras.metrics.metric import Metric


def _threshold_list(thresholds, default, where):
    if thresholds is None:
        return [default], True
    single = isinstance(thresholds, (int, float))
    values = [float(thresholds)] if single else [float(t) for t in thresholds]
    for t in values:
        if not (0.0 <= t <= 1.0) and t != _confusion.NEG_INF:
            raise ValueError(f"{where}: thresholds must lie in [0, 1]; received {thresholds!r}")
    return values, single


class _ThresholdMetric(Metric):
    """State: one confusion count (or several) per threshold; updates pool every prediction."""

    _counts = ()
    _fixed_state_dtype = torch.float32  # float32 counts for any `dtype`, as Keras 3 (see Metric)

    def __init__(self, thresholds=None, name=None, dtype=None, top_k=None, class_id=None, default=0.5):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self._threshold_values, self._single = _threshold_list(
            thresholds, default if top_k is None else _confusion.NEG_INF, type(self).__name__)
        self._thresholds = torch.tensor(self._threshold_values, dtype=torch.float64, device=self._device)
        for count in self._counts:
            setattr(self, count, self.add_variable(shape=(len(self._threshold_values),), name=count))

    @property
    def thresholds(self):
        return list(self._threshold_values)

    def _on_device_change(self, device):
        self._thresholds = self._thresholds.to(device)

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not isinstance(y_pred, torch.Tensor):
            y_pred = torch.as_tensor(y_pred).to(self._device)
        self._follow(y_pred)
        labels, y_pred, weights = _confusion.prepare(y_true, y_pred, sample_weight, self.top_k, self.class_id)
        tp, fp, tn, fn = _confusion.counts_by_comparison(labels, y_pred, weights,
                                                         self._thresholds.to(y_pred.dtype))
        found = {"true_positives": tp, "false_positives": fp, "true_negatives": tn, "false_negatives": fn}
        for count in self._counts:
            getattr(self, count).assign_add(found[count])

    def _finish(self, values):
        values = values.detach()
        return values[0].clone() if self._single else values.clone()

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class _SingleCount(_ThresholdMetric):
    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)

    def result(self):
        return self._finish(getattr(self, self._counts[0]))

    @property
    def accumulator(self):
        """The count Variable, one entry per threshold (Keras' name for it)."""
        return getattr(self, self._counts[0])


class TruePositives(_SingleCount):
    _counts = ("true_positives",)


class FalsePositives(_SingleCount):
    _counts = ("false_positives",)


class TrueNegatives(_SingleCount):
    _counts = ("true_negatives",)


class FalseNegatives(_SingleCount):
    _counts = ("false_negatives",)


class Precision(_ThresholdMetric):
    """tp / (tp + fp): of the predicted positives, the fraction that are positive (0 when none)."""

    _counts = ("true_positives", "false_positives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype, top_k=top_k, class_id=class_id)

    def result(self):
        tp = self.true_positives.detach()
        return self._finish(_confusion.divide_no_nan(tp, tp + self.false_positives.detach()))

    def get_config(self):
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}


class Recall(_ThresholdMetric):
    """tp / (tp + fn): of the actual positives, the fraction predicted positive (0 when none)."""

    _counts = ("true_positives", "false_negatives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype, top_k=top_k, class_id=class_id)

    def result(self):
        tp = self.true_positives.detach()
        return self._finish(_confusion.divide_no_nan(tp, tp + self.false_negatives.detach()))

    def get_config(self):
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}
