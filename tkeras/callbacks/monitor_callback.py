"""The shared core of callbacks that watch one logged quantity (EarlyStopping, ReduceLROnPlateau,
ModelCheckpoint): which way is better, what counts as an improvement, and finding the value in the
logs under the spelling of any Keras era ('val_acc' or 'val_mean_absolute_error' from Keras <= 2.2
scripts for the 'val_accuracy' or 'val_mae' that is logged; see `log_names`)."""
import operator
import warnings

import numpy as np

from tkeras.callbacks.callback import Callback
from tkeras.callbacks.log_names import find_logged, other_spellings

# Quantities that get better as they grow; anything else named '*loss*' or unknown gets smaller.
_HIGHER_IS_BETTER = ("acc", "accuracy", "auc", "precision", "recall", "fmeasure", "f1", "iou",
                     "top_k", "r2", "cosine_similarity")


def monitored_value(logs, monitor):
    logs = logs or {}
    key = find_logged(logs, monitor)
    value = logs.get(key) if key is not None else None
    if value is not None and hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()
    return value


class MonitorCallback(Callback):
    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.",
                          stacklevel=3)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.baseline = baseline
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            direction = self._metric_direction(name)
            if direction is None:
                direction = "up" if any(key in name for key in _HIGHER_IS_BETTER) and "loss" not in name \
                    else "down"
            self.monitor_op = operator.gt if direction == "up" else operator.lt
        if self.monitor_op is operator.lt:
            self.min_delta = -abs(self.min_delta)
        else:
            self.min_delta = abs(self.min_delta)

    def _metric_direction(self, name):
        """A compiled metric may say which way is better (Keras 3 metrics carry `_direction`)."""
        for metric in getattr(self.model, "metrics", None) or []:
            metric_name = getattr(metric, "name", None)
            if metric_name is not None and (metric_name == name or name in other_spellings(metric_name)):
                direction = getattr(metric, "_direction", None)
                if direction in ("up", "down"):
                    return direction
        return None

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        return bool(self.monitor_op(value - self.min_delta, reference))

    def _best_as_text(self):
        """The wording Keras (2 and 3 until 3.9) prints for 'no best value yet': inf / -inf."""
        if self.best is None:
            return "inf" if self.monitor_op is operator.lt else "-inf"
        return f"{self.best:.5f}"


def is_number(value):
    return isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool)
