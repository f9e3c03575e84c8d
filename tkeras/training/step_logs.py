"""The logs a step hands to callbacks: lazy until read, then plain Python floats.

The built-in steps return `MetricLogs`, which asks the metrics for their results only when somebody
reads it, so a step whose logs nobody looks at (most of them, with the progress bar redrawing a few
times a second) costs no metric kernels and no device read. `pythonify` turns logs into floats for
History and the epoch-end callbacks.
"""
import numpy as np
import torch


class MetricLogs(dict):
    """Batch logs of the built-in steps: metric results are computed only when somebody reads them."""

    lazy = True  # the progress bar keeps the latest of these unread until it draws a line

    def __init__(self, metrics):
        super().__init__()
        self._metrics = metrics
        self._filled = False

    def _fill(self):
        if not self._filled:
            self._filled = True
            for m in self._metrics:
                dict.__setitem__(self, m.name, m.result())

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


def _as_float(value):
    if isinstance(value, torch.Tensor):
        return float(value.detach().float().mean()) if value.numel() != 1 else float(value.detach())
    if isinstance(value, np.ndarray):
        return float(value.mean()) if value.size != 1 else float(value)
    return value


def pythonify(logs):
    return {k: _as_float(v) for k, v in dict(logs or {}).items()} if logs is not None else {}
