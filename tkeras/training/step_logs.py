"""The logs a step hands to callbacks: lazy until read, then plain Python floats.

The built-in steps return `MetricLogs`, which asks the metrics for their results only when somebody
reads it, so a step whose logs nobody looks at (most of them, with the progress bar redrawing a few
times a second) costs no metric kernels and no device read. `pythonify` turns logs into floats for
History and the epoch-end callbacks.
"""
import numpy as np
import torch


class MetricLogs(dict):
    """Batch logs of the built-in steps: metric results are computed only when somebody reads them.

    A callback reads Python floats, as Keras hands them (`logs["loss"]` is a float on every Keras 3
    backend); a result of several numbers (F1Score with average=None) stays as it is.
    """

    lazy = True  # the progress bar keeps the latest of these unread until it draws a line

    def __init__(self, metrics):
        super().__init__()
        self._metrics = metrics
        self._filled = False

    def _results(self):
        return ((m.name, m.result()) for m in self._metrics)

    def _fill(self):
        if not self._filled:
            self._filled = True
            for name, value in self._results():
                dict.__setitem__(self, name, _scalar_as_float(value))

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self._fill()
        return dict.get(self, key, default)

    def items(self):
        self._fill()
        return dict.items(self)

    def keys(self):
        self._fill()
        return dict.keys(self)

    def values(self):
        self._fill()
        return dict.values(self)

    def __iter__(self):
        self._fill()
        return dict.__iter__(self)

    def __len__(self):
        self._fill()
        return dict.__len__(self)

    def __contains__(self, key):
        self._fill()
        return dict.__contains__(self, key)

    def copy(self):
        self._fill()
        return dict(self)


class StepLogs(MetricLogs):
    """The dict a custom `train_step`/`test_step` returned, read by callbacks as Python floats."""

    def __init__(self, values):
        super().__init__(())
        self._values = values

    def _results(self):
        return self._values.items()


def batch_logs(step_logs):
    """The logs the batch hooks get: the built-in steps' are already lazy floats; a custom step's dict
    is wrapped to read the same way (anything else, such as None, passes unchanged)."""
    if type(step_logs) is dict:
        return StepLogs(step_logs)
    return step_logs


def _scalar_as_float(value):
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.detach())
    if isinstance(value, np.ndarray) and value.size == 1:
        return float(value)
    return value


def _as_float(value):
    if isinstance(value, torch.Tensor):
        return float(value.detach().float().mean()) if value.numel() != 1 else float(value.detach())
    if isinstance(value, np.ndarray):
        return float(value.mean()) if value.size != 1 else float(value)
    return value


def pythonify(logs):
    return {k: _as_float(v) for k, v in dict(logs or {}).items()} if logs is not None else {}
