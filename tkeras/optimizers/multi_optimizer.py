"""MultiOptimizer and OptimizerMap (Keras 3.15): different optimizers for different variables.

An `OptimizerMap` picks an optimizer by variable path: an exact key first, then keys read as regular
expressions (`re.fullmatch`; two matching patterns are an error), else the default optimizer. The
`MultiOptimizer` hands each variable's gradient to its optimizer, so every sub-optimizer keeps its own
state, iterations and learning rate (the wrapper itself has none to read: asking for
`learning_rate` is an error, as in Keras). Its `variables` are its own (`iteration`, and the unused
`learning_rate` Keras also keeps) followed by each sub-optimizer's, in the order Keras saves them.
"""
import re
from collections.abc import MutableMapping

from tkeras.optimizers._wrapper_state import FlatVariableState
from tkeras.optimizers.optimizer import Optimizer
from tkeras.optimizers.variable_list import VariableList


def _is_loss_scaler(optimizer):
    return type(optimizer).__name__ == "LossScaleOptimizer"


def _check_member(optimizer, where):
    if _is_loss_scaler(optimizer):
        raise ValueError(f"{where}: a LossScaleOptimizer cannot be used inside a MultiOptimizer "
                         f"(wrap the MultiOptimizer instead)")
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{where}: expected a Keras Optimizer instance, received {optimizer!r}")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(f"{where}: a MultiOptimizer cannot be used inside a MultiOptimizer")


class OptimizerMap(MutableMapping):
    """Variable path (or regex over paths) -> optimizer, with a default for the rest."""

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(f"OptimizerMap: default_optimizer must be a Keras Optimizer instance, "
                            f"received {default_optimizer!r}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"OptimizerMap: optimizer_map must be a dict of path -> optimizer, "
                            f"received {type(optimizer_map).__name__}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = dict(optimizer_map or {})

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"OptimizerMap: variable {key!r} matches several patterns {matches}; "
                             f"make them exclusive")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: keys are variable paths or regular expressions (str), "
                             f"received {key!r}")
        if key in self._optimizer_map:
            raise ValueError(f"OptimizerMap: {key!r} is already mapped to {self._optimizer_map[key]!r}; "
                             f"delete it first to remap it")
        _check_member(optimizer, f"OptimizerMap[{key!r}]")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[str(getattr(variable, "path", None) or getattr(variable, "name", ""))]

    def get_config(self):
        from tkeras.optimizers import serialize
        return {"default_optimizer": serialize(self._default_optimizer),
                "optimizer_map": {key: serialize(opt) for key, opt in self._optimizer_map.items()}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.optimizers import deserialize
        default = deserialize(config["default_optimizer"], custom_objects=custom_objects)
        mapping = {key: deserialize(value, custom_objects=custom_objects)
                   for key, value in (config.get("optimizer_map") or {}).items()}
        return cls(default, mapping)


class MultiOptimizer(FlatVariableState, Optimizer):
    default_name = "multi_optimizer"

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not callable(optimizer_map):
            raise TypeError(f"MultiOptimizer: optimizer_map must be an OptimizerMap or a function "
                            f"variable -> optimizer, received {optimizer_map!r}")
        self._inner_optimizers = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        members = list(optimizer_map.values()) if hasattr(optimizer_map, "values") else []
        default = getattr(optimizer_map, "default_optimizer", None)
        for optimizer in members + ([default] if default is not None else []):
            self._adopt(optimizer)
        self._owner = {}  # id(variable) -> index into _inner_optimizers

    def _adopt(self, optimizer):
        if not any(optimizer is known for known in self._inner_optimizers):
            optimizer.loss_scale_factor = self.loss_scale_factor
            self._inner_optimizers.append(optimizer)
        return next(i for i, known in enumerate(self._inner_optimizers) if known is optimizer)

    @property
    def optimizers(self):
        return list(self._inner_optimizers)

    # -- what a MultiOptimizer does not have ----------------------------------------------------------
    @property
    def learning_rate(self):
        raise AttributeError("Learning rate cannot be accessed on a MultiOptimizer: each sub-optimizer has its "
                             "own; read it from `multi_optimizer.optimizers[i].learning_rate`")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError("Learning rate cannot be set on a MultiOptimizer: set it on the sub-optimizers "
                             "(`multi_optimizer.optimizers[i].learning_rate = ...`)")

    lr = learning_rate

    @property
    def loss_scale_factor(self):
        return getattr(self, "_loss_scale_factor", None)

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for optimizer in getattr(self, "_inner_optimizers", ()):
            optimizer.loss_scale_factor = value

    # -- building and state ---------------------------------------------------------------------------
    def build(self, var_list):
        by_optimizer = {}
        for variable in var_list:
            if id(variable) in self._owner:
                continue
            optimizer = self._optimizer_map(variable)
            _check_member(optimizer, f"MultiOptimizer: the optimizer for variable "
                                     f"{getattr(variable, 'path', variable)!r}")
            index = self._adopt(optimizer)
            self._owner[id(variable)] = index
            self._index_of[id(variable)] = len(self._built_variables)
            self._built_variables.append(variable)
            by_optimizer.setdefault(index, []).append(variable)
        for index, variables in sorted(by_optimizer.items()):
            self._inner_optimizers[index].build(variables)
        self.built = True

    @property
    def variables(self):
        result = VariableList(self._variables)
        for optimizer in self._inner_optimizers:
            result.extend(optimizer.variables)
        return result

    # -- updates ----------------------------------------------------------------------------------------
    def _split(self, variables, values):
        parts = {}
        for variable, value in zip(variables, values):
            parts.setdefault(self._owner[id(variable)], ([], []))
            parts[self._owner[id(variable)]][0].append(variable)
            parts[self._owner[id(variable)]][1].append(value)
        return parts

    def step_from_grads(self, variables):
        variables = list(variables)
        self.build(variables)
        for index, (part, _) in self._split(variables, variables).items():
            if any(v.grad is not None for v in part):
                self._inner_optimizers[index].step_from_grads(part)
        self._iterations.add_(1)

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(f"{self.name}.apply: pass trainable_variables, or call "
                                 f"optimizer.build(trainable_variables) first")
            trainable_variables = self._built_variables
        variables = list(trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(f"{self.name}.apply: received {len(grads)} gradients for {len(variables)} variables")
        self.build(variables)
        for index, (part, part_grads) in self._split(variables, grads).items():
            self._inner_optimizers[index].apply(part_grads, part)
        self._iterations.add_(1)

    def finalize_variable_values(self, var_list):
        for index, (part, _) in self._split(list(var_list), list(var_list)).items():
            self._inner_optimizers[index].finalize_variable_values(part)

    # -- config -------------------------------------------------------------------------------------------
    def get_config(self):
        if isinstance(self._optimizer_map, OptimizerMap):
            mapping = {"module": "keras.optimizers", "class_name": "OptimizerMap",
                       "config": self._optimizer_map.get_config(), "registered_name": None}
        else:
            from tkeras.saving.serialization import serialize_keras_object
            mapping = serialize_keras_object(self._optimizer_map)
        return {"optimizer_map": mapping, "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        mapping = config["optimizer_map"]
        if isinstance(mapping, dict) and mapping.get("class_name") == "OptimizerMap":
            config["optimizer_map"] = OptimizerMap.from_config(mapping["config"], custom_objects=custom_objects)
        elif isinstance(mapping, (dict, str)):
            from tkeras.saving.serialization import deserialize_keras_object
            config["optimizer_map"] = deserialize_keras_object(mapping, custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self):
        inner = ", ".join(type(o).__name__ for o in self._inner_optimizers)
        return f"<MultiOptimizer name={self.name}, optimizers=[{inner}], iterations={int(self._iterations.item())}>"
