"""Keras 3 Model methods around the training loop, mixed into `Trainer`.

`get_compile_config` / `compile_from_config` (the compile arguments as `.keras` files carry them:
tkeras.saving.model_config writes and reads them), `get_metrics_result`, `metrics_variables`,
`get_state_tree` / `set_state_tree` (every variable by its path), `stateless_compute_loss`
(stateless_loss.py), and `make_train_function` & co., which hand out one step of the loop as a
function of a batch iterator.
"""
import warnings

import numpy as np
import torch

from tkeras.training import data_adapter, stateless_loss
from tkeras.training.step_logs import pythonify

_STATE_GROUPS = ("trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables")


class Keras3TrainerMethods:
    train_function = None
    test_function = None
    predict_function = None

    # -- the compile config -----------------------------------------------------------------------
    def get_compile_config(self):
        """What `compile()` was given, serialized (optimizer, loss, metrics, ...); {} if never compiled."""
        from tkeras.saving import model_config
        return model_config.compile_config(self) or {}

    def compile_from_config(self, config):
        """Compile as `get_compile_config()` described; the optimizer's variables are created at once when
        the model is built (so weights saved with them load into them)."""
        from tkeras.training.trainer import Trainer
        if type(self).compile is not Trainer.compile:
            warnings.warn("`compile()` was not called as part of model loading because the model's "
                          "`compile()` method is custom. Override `get_compile_config()` and "
                          "`compile_from_config(config)` too, or call `compile()` after loading.", stacklevel=2)
            return
        from tkeras.saving import model_config
        model_config.compile_from_config(self, config, "compile_from_config")
        if self._compiled and self.built and self.optimizer is not None:
            self.optimizer.build(self.trainable_weights)

    compile_from_config._tkeras_default = True

    # -- metrics ----------------------------------------------------------------------------------
    def get_metrics_result(self):
        """{metric name: value} for every metric in `self.metrics` (a metric returning a dict adds its
        entries), as Python floats (NumPy arrays for array results)."""
        result = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                result.update(value)
            else:
                result[metric.name] = value
        return pythonify(result)

    # -- the state tree ---------------------------------------------------------------------------
    def get_state_tree(self, value_format="backend_tensor"):
        """{'trainable_variables', 'non_trainable_variables', 'optimizer_variables',
        'metrics_variables'}, each a nested dict following the variables' paths ('seq/dense/kernel' ->
        ['seq']['dense']['kernel']); leaves are torch tensors ("backend_tensor") or NumPy arrays."""
        if value_format not in ("backend_tensor", "numpy_array"):
            raise ValueError("Invalid `value_format` argument. Expected one of {'numpy_array', "
                             f"'backend_tensor'}}. Received: value_format={value_format}")
        optimizer = getattr(self, "optimizer", None)
        if optimizer is not None and not getattr(optimizer, "built", True) and self.built:
            optimizer.build(self.trainable_weights)
        groups = (self.trainable_weights, self.non_trainable_variables,  # seed generators' states too, as Keras
                  list(optimizer.variables) if optimizer is not None else [], self.metrics_variables)
        return {name: _nested(variables, value_format) for name, variables in zip(_STATE_GROUPS, groups)}

    def set_state_tree(self, state_tree):
        """Assign the values of a `get_state_tree()`-shaped dict to the variables of the same paths."""
        for group, values in state_tree.items():
            if group == "trainable_variables":
                variables = self.trainable_weights
            elif group == "non_trainable_variables":
                variables = self.non_trainable_variables
            elif group == "optimizer_variables":
                optimizer = getattr(self, "optimizer", None)
                variables = list(optimizer.variables) if optimizer is not None else []
            elif group == "metrics_variables":
                variables = self.metrics_variables
            else:
                raise ValueError(f"Unknown variable name: {group}")
            by_path = {v.path: v for v in variables}
            for path, value in _flat(values).items():
                variable = by_path.get(path)
                if variable is not None:
                    variable.assign(value)

    stateless_compute_loss = stateless_loss.stateless_compute_loss  # Keras 3's stateless API

    # -- step functions ---------------------------------------------------------------------------
    def make_train_function(self, force=False):
        """`self.train_function`: runs one training step on the next batch of an iterator (or on a batch,
        or a one-batch list as the torch backend passes) and returns the step's logs."""
        if self.train_function is None or force:
            self.train_function = _step_function(self, "train_step", train=True)
        return self.train_function

    def make_test_function(self, force=False):
        if self.test_function is None or force:
            self.test_function = _step_function(self, "test_step", train=False)
        return self.test_function

    def make_predict_function(self, force=False):
        if self.predict_function is None or force:
            self.predict_function = _step_function(self, "predict_step", train=False)
        return self.predict_function


def _step_function(model, step_name, train):
    from tkeras.training.loop_helpers import len_of as _len_of
    from tkeras.training.trainer import _FitScope

    def one_step(data):
        batch = _next_batch(data)
        x, y, sample_weight = data_adapter.unpack(batch) if isinstance(batch, (tuple, list)) else (batch, None, None)
        batches = data_adapter.ArrayBatches(x, y, sample_weight, batch_size=_len_of(x))
        batch = next(iter(batches.epoch()))
        if train:
            model._require_compiled("training")
            model._invalidate_caches()
        with _FitScope(model, flush_denormal=train), torch.set_grad_enabled(train):
            result = model._step_fn(step_name)(batch)
        if step_name == "predict_step":
            from tkeras.mixed_precision import policy as _precision
            from tkeras.utils import tree
            return tree.map_structure(lambda t: t.detach(), _precision.predicted_outputs(result))
        return pythonify(result)

    return one_step


def _next_batch(data):
    if hasattr(data, "__next__"):
        return next(data)
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], (tuple, list)):
        return data[0]  # the torch backend hands its step function a list of one batch
    return data


def _nested(variables, value_format):
    flat = {}
    for v in variables:
        if v.path in flat:
            raise ValueError(f"The following variable path is found twice in the model: '{v.path}'. "
                             "`get_state_tree()` needs unique variable paths: give your layers (and other "
                             "objects) unique names.")
        flat[v.path] = v if value_format == "backend_tensor" else np.array(v.detach().cpu().numpy())
    nested = {}
    for path, value in flat.items():
        parts = path.split("/")
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return nested


def _flat(tree, prefix=""):
    result = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            result.update(_flat(value, f"{prefix}{key}/"))
        else:
            result[f"{prefix}{key}"] = value
    return result
