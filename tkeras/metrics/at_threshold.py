"""One rate at the best threshold that holds another: PrecisionAtRecall, RecallAtPrecision,
SensitivityAtSpecificity and SpecificityAtSensitivity.

Confusion counts are kept at `num_thresholds` evenly spaced thresholds [0, 1/(n-1), ..., 1] (or at
0.5 alone when n is 1), with AUC's bucketed counting; the result is the best value of one rate among
the thresholds where the other rate reaches the target, or 0 when none does. All on the device.
"""
import torch

from tkeras.metrics import _confusion
from tkeras.metrics.metric import Metric


def _rates(tp, fp, tn, fn):
    return {"recall": _confusion.divide_no_nan(tp, tp + fn), "precision": _confusion.divide_no_nan(tp, tp + fp),
            "specificity": _confusion.divide_no_nan(tn, tn + fp)}


class _AtThreshold(Metric):
    """Subclasses name the rate to report (`_reported`), the rate to hold (`_held`) and the constructor
    argument that sets its target (`_argument`)."""

    _reported = None
    _held = None
    _argument = None
    _fixed_state_dtype = torch.float32  # float32 counts for any `dtype`, as Keras 3 (see Metric)

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        where = type(self).__name__
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds <= 0:
            raise ValueError(f"{where}: `num_thresholds` must be an integer > 0; received "
                             f"num_thresholds={num_thresholds!r}")
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{where}: `{self._argument}` must lie in [0, 1]; received "
                             f"{self._argument}={value!r}")
        super().__init__(name=name, dtype=dtype)
        setattr(self, self._argument, value)
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            self.thresholds = [0.0] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]
        self._evenly = num_thresholds > 1
        self._threshold_tensor = torch.tensor(self.thresholds, dtype=torch.float64, device=self._device)
        for count in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, count, self.add_variable(shape=(len(self.thresholds),), name=count))

    def _on_device_change(self, device):
        self._threshold_tensor = self._threshold_tensor.to(device)

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not isinstance(y_pred, torch.Tensor):
            y_pred = torch.as_tensor(y_pred).to(self._device)
        self._follow(y_pred)
        labels, y_pred, weights = _confusion.prepare(y_true, y_pred, sample_weight, class_id=self.class_id)
        dtype = self._state_torch_dtype
        labels, y_pred = labels.to(dtype), y_pred.to(dtype)
        weights = None if weights is None else weights.to(dtype)
        if self._evenly:
            counts = _confusion.counts_by_buckets(labels, y_pred, weights, self.num_thresholds, with_epsilon=False)
        else:
            counts = _confusion.counts_by_comparison(labels, y_pred, weights, self._threshold_tensor.to(dtype))
        for variable, value in zip((self.true_positives, self.false_positives, self.true_negatives,
                                    self.false_negatives), counts):
            variable.assign_add(value)

    def result(self):
        rates = _rates(self.true_positives.detach(), self.false_positives.detach(),
                       self.true_negatives.detach(), self.false_negatives.detach())
        held, reported = rates[self._held], rates[self._reported]
        feasible = held >= self.value
        return torch.where(feasible, reported, torch.zeros_like(reported)).amax().clamp_min(0.0)

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id, "num_thresholds": self.num_thresholds,
                self._argument: self.value}


class SensitivityAtSpecificity(_AtThreshold):
    """The best sensitivity (recall) among thresholds whose specificity is at least `specificity`."""

    _reported, _held, _argument = "recall", "specificity", "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)


class SpecificityAtSensitivity(_AtThreshold):
    """The best specificity among thresholds whose sensitivity (recall) is at least `sensitivity`."""

    _reported, _held, _argument = "specificity", "recall", "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)


class PrecisionAtRecall(_AtThreshold):
    """The best precision among thresholds whose recall is at least `recall`."""

    _reported, _held, _argument = "precision", "recall", "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)


class RecallAtPrecision(_AtThreshold):
    """The best recall among thresholds whose precision is at least `precision`."""

    _reported, _held, _argument = "recall", "precision", "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)
