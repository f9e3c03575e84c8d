"""`PyMetric` (tf-keras 2's `keras.metrics.experimental.PyMetric`): a metric whose state is plain Python
(lists, counters, NumPy arrays) and whose `update_state` may use any host library (scikit-learn's
scores, for instance).

tf-keras ran these outside its graph through `tf.py_function`. Here every metric already runs eagerly,
so what remains is the contract: `reset_state()` runs at construction to create the Python state,
`update_state` receives the batch as CPU tensors detached from autograd (`.numpy()` works), and
`result()` must return one scalar, handed back as a tensor of the metric's dtype.
"""
import torch

from tkeras.backend import config
from tkeras.metrics.metric import Metric


def _host(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    return torch.as_tensor(value)


class PyMetric(Metric):
    """Subclass and implement `update_state`, `result` and `reset_state` (which also initializes)."""

    def __new__(cls, *args, **kwargs):
        metric = super().__new__(cls)
        update_state, result = metric.update_state, metric.result

        def update_state_on_host(y_true, y_pred, sample_weight=None):
            weights = None if sample_weight is None else _host(sample_weight)
            return update_state(_host(y_true), _host(y_pred), weights)

        def result_as_tensor():
            value = result()
            if isinstance(value, dict):
                raise TypeError(f"{cls.__name__}.result() returned a dict; a PyMetric returns one scalar")
            return torch.as_tensor(value, dtype=metric._torch_dtype, device=config.device()).reshape(())

        metric.update_state, metric.result = update_state_on_host, result_as_tensor
        return metric

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        raise NotImplementedError("Subclasses should implement `update_state`")

    def merge_state(self, metrics):
        raise NotImplementedError("Subclasses should implement `merge_state`")

    def reset_state(self):
        raise NotImplementedError("Subclasses should implement `reset_state`")

    def result(self):
        raise NotImplementedError("Subclasses should implement `result`")
