"""The Layer methods tf-keras 2 metrics have (there a Metric is a Layer); tkeras metrics follow Keras 3.

Keras 3 metrics are not layers, so nothing here overrides a Keras 3 behaviour: these are the extra
methods Keras 2 code calls on a metric. The useful ones are about state: `get_weights`/`set_weights`
read and write the state variables as NumPy arrays, `save_own_variables`/`load_own_variables` do the
same through a store, and `merge_state(metrics)` folds the states of other metrics of the same kind
into this one. Every built-in state is a sum (totals, counts, confusion counts), so merging adds the
variables element-wise, which is what tf-keras does for every built-in metric. The remaining methods
(`build`, `call`, `compute_mask`, the per-node getters of a never-called layer, ...) are the trivial
Layer versions, kept so Keras 2 code that calls them on a metric keeps working.
"""
import numpy as np
import torch

from tkeras.backend.variable import assign_arrays
from tkeras.layers.layer_legacy_nodes import LegacyNodeMethods


class MetricLayerMethods(LegacyNodeMethods):
    # -- state as arrays --------------------------------------------------------------------------
    def get_weights(self):
        """The state variables' values as NumPy arrays, in `metric.variables` order."""
        return [variable.detach().cpu().numpy().copy() for variable in self.variables]

    def set_weights(self, weights):
        """Assign the state variables from arrays (same count, order and shapes as `get_weights()`)."""
        assign_arrays(f"Metric {self.name!r}", self.variables, weights)

    def count_params(self):
        """The number of scalars in the state variables."""
        return int(sum(int(np.prod(tuple(v.shape))) for v in self.variables))

    def save_own_variables(self, store):
        """Write the state variables into `store` under "0", "1", ..."""
        for index, value in enumerate(self.get_weights()):
            store[str(index)] = value

    def load_own_variables(self, store):
        """Read the state variables back from `store` (the keys `save_own_variables` wrote)."""
        keys = {key.decode() if isinstance(key, bytes) else str(key): key for key in store.keys()}
        count = len(self.variables)
        wanted = [str(index) for index in range(count)]
        if sorted(keys) != sorted(wanted):
            raise ValueError(f"Metric {self.name!r} holds {count} state variables; the store has the keys "
                             f"{sorted(keys)}, expected {wanted}")
        self.set_weights([store[keys[key]] for key in wanted])

    def merge_state(self, metrics):
        """Add the states of `metrics` (metrics of the same kind and configuration) into this metric's.

        Distributed or sharded evaluation: each worker updates its own copy, then one copy merges the
        others and reports `result()` over all the data.
        """
        mine = self.variables
        others = []
        for metric in metrics:
            theirs = list(getattr(metric, "variables", ()))
            if len(theirs) != len(mine) or any(
                    tuple(a.shape) != tuple(b.shape) for a, b in zip(mine, theirs)):
                raise ValueError(
                    f"Cannot merge the state of {metric!r} into {self!r}: the state variables differ "
                    f"({[tuple(v.shape) for v in theirs]} vs {[tuple(v.shape) for v in mine]})")
            others.append(theirs)
        for theirs in others:
            for variable, other in zip(mine, theirs):
                self._accumulate(variable, other.detach().to(device=variable.device, dtype=variable.dtype))

    # -- the Layer surface of a Keras 2 metric ----------------------------------------------------
    def build(self, input_shape=None):
        """Keras 2 Layer.build: a metric's state is made in `__init__` (or its first update); kept for calls."""
        self._metric_build_shape = input_shape

    def get_build_config(self):
        shape = self.__dict__.get("_metric_build_shape")
        return None if shape is None else {"input_shape": shape}

    def build_from_config(self, config):
        if config and config.get("input_shape") is not None:
            self.build(config["input_shape"])

    def call(self, inputs, *args, **kwargs):
        """The base Layer `call`: the inputs unchanged (a metric computes in `update_state`/`result`)."""
        return inputs

    def compute_mask(self, inputs, mask=None):
        if mask is not None:
            raise TypeError(f"Metric {self.name!r} does not take a mask; received mask={mask!r}")
        return None

    def compute_output_shape(self, input_shape):
        """Calling a metric returns `result()`: a scalar for every built-in metric but MeanTensor."""
        try:
            return tuple(torch.as_tensor(self.result()).shape)
        except Exception:  # noqa: BLE001 - a metric with lazily made state has no result yet
            return ()

    def add_loss(self, loss):
        """Keras 2 Layer.add_loss on a metric: a zero-argument callable (as tf-keras requires in eager)."""
        if not callable(loss):
            raise ValueError(f"Metric {self.name!r}: add_loss takes a zero-argument callable returning the loss, "
                             f"received {type(loss).__name__}")
        self.__dict__.setdefault("_metric_losses", []).append(loss)

    @property
    def losses(self):
        return [loss() for loss in self.__dict__.get("_metric_losses", ())]

    def add_metric(self, value, name=None, aggregation=None):
        """Keras 2 Layer.add_metric: a metric object reports through `result()`, so this only checks arguments."""
        if aggregation not in (None, "mean"):
            raise ValueError(f"Metric {self.name!r}: add_metric(aggregation=...) must be None or 'mean', "
                             f"received {aggregation!r}")
