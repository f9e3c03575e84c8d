"""The `Metric` base class: state variables updated per batch, read back only when printed.

The fit loop calls `update_state` every step and `result()` only when it logs, so state is kept as
torch tensors on the data's device and updated with tensor ops only: no `.item()`, no host sync.
State follows the data: the first batch seen on another device moves it there once. Every built-in
state is a sum (totals, counts, confusion counts), which is what lets data-parallel training add the
states of all ranks together.
"""
import functools

import torch

from tkeras.backend import config
from tkeras.backend.naming import to_snake_case, unique_name
from tkeras.backend.stateless_scope import active_stateless_scope
from tkeras.backend.tensor import for_user_code
from tkeras.backend.variable import Variable
from tkeras.metrics import stateless as _stateless
from tkeras.metrics.metric_layer_attributes import MetricLayerAttributes
from tkeras.metrics.metric_layer_methods import MetricLayerMethods


def _state_dtype(dtype):
    """The torch dtype of a metric's state: a dtype in any spelling, or a policy (its compute dtype,
    so `dtype='mixed_float16'` gives float16 state, as in Keras)."""
    from tkeras.dtype_policies import DTypePolicy
    if isinstance(dtype, DTypePolicy):
        return config.standardize_dtype(dtype.compute_dtype)
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        from tkeras import dtype_policies
        return config.standardize_dtype(dtype_policies.get(dtype).compute_dtype)
    return config.standardize_dtype(dtype)


def _user_facing_result(result):
    """`result` returning what a notebook's `metric.result()` shows in TensorFlow: a tensor that prints as
    tf.Tensor and whose `.numpy()` is a NumPy scalar. The training loops (raw context) get plain tensors."""
    @functools.wraps(result)
    def user_facing_result(self):
        return for_user_code(result(self))
    user_facing_result._user_facing = True
    return user_facing_result


class Metric(MetricLayerMethods, MetricLayerAttributes):
    """Subclass: create state with `add_variable` in `__init__`, implement `update_state`/`result`."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        result = cls.__dict__.get("result")
        if callable(result) and not getattr(result, "_user_facing", False):
            cls.result = _user_facing_result(result)

    def __init__(self, name=None, dtype=None):
        # A metric made without a name gets a process-unique one, as layers do (`huber_metric`, then
        # `huber_metric_1`: Keras 3 and tf-keras 2 alike), and it is the history key. Built-ins whose Keras
        # signature has a default name (`name="mean"`) pass it and keep it for every instance.
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._torch_dtype = _state_dtype(dtype)
        self._variables = []
        self._device = config.device()

    # -- state ------------------------------------------------------------------------------------
    @property
    def dtype(self):
        """Keras 3 reports the dtype by name ('float32'); tkeras' own code reads `_torch_dtype`."""
        return config.dtype_name(self._torch_dtype)

    # Keras 3 counts AUC, the confusion counts and R2Score's sums in float32 whatever `dtype` asks for
    # (a float64 counter gains nothing, the thresholds are float32 anyway); those classes set this to
    # torch.float32 and keep reporting the `dtype` they were given.
    _fixed_state_dtype = None

    @property
    def _state_torch_dtype(self):
        """The torch dtype new state variables get and state arithmetic runs in."""
        return self._fixed_state_dtype or self._torch_dtype

    @property
    def _dtype(self):
        # Keras 3 keeps the name here as well; subclasses written against Keras read it.
        return self.dtype

    @_dtype.setter
    def _dtype(self, value):
        self._torch_dtype = _state_dtype(value)

    def add_variable(self, shape=(), initializer="zeros", dtype=None, name=None, **kwargs):
        """A non-trainable state Variable (Keras 3 spelling; `aggregation` etc. are accepted and unused)."""
        if "_variables" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() before add_variable()")
        dtype = self._state_torch_dtype if dtype is None else config.standardize_dtype(dtype)
        shape = tuple(shape) if shape is not None else ()
        if initializer is None or initializer == "zeros":
            value = torch.zeros(shape, dtype=dtype)
        else:
            from tkeras import initializers
            value = initializers.get(initializer)(shape, dtype=dtype)
        variable = Variable(torch.as_tensor(value, dtype=dtype).to(self._device), trainable=False,
                            name=name or "variable")
        variable._keras_path = f"{self.name}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_weight(self, name=None, shape=(), initializer="zeros", dtype=None, **kwargs):
        """Keras 2 spelling (`add_weight(name, shape, ...)`); Keras 3 code passes `shape` first."""
        if name is not None and not isinstance(name, str):
            name, shape = None, name
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        found = list(self._variables)
        for value in self.__dict__.values():
            if isinstance(value, Metric) and value is not self:
                found.extend(value.variables)
        return found

    weights = variables

    def _follow(self, tensor):
        """Move the state to `tensor`'s device (once, on the first batch there)."""
        device = tensor.device
        if device == self._device:
            return
        self._device = device
        with torch.no_grad():
            for variable in self.variables:
                variable.data = variable.data.to(device)
        self._on_device_change(device)

    @staticmethod
    def _accumulate(variable, delta):
        """`variable += delta`: in place, or recorded by an active keras.StatelessScope."""
        if active_stateless_scope() is not None:
            variable.assign_add(delta.detach() if isinstance(delta, torch.Tensor) else delta)
            return
        with torch.no_grad():
            variable.add_(delta)

    def _on_device_change(self, device):
        """Hook for non-variable tensors a metric caches (thresholds)."""

    # -- the API ----------------------------------------------------------------------------------
    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state()")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result()")

    def reset_state(self):
        if active_stateless_scope() is not None:  # keras.StatelessScope: recorded there, not applied
            for variable in self.variables:
                variable.assign(torch.zeros_like(variable.detach()))
            return
        with torch.no_grad():
            for variable in self.variables:
                variable.zero_()

    # -- Keras 3's stateless API (metrics/stateless.py) -------------------------------------------
    stateless_update_state = _stateless.stateless_update_state
    stateless_result = _stateless.stateless_result
    stateless_reset_state = _stateless.stateless_reset_state

    def reset_states(self):
        """Keras 2 name of `reset_state`."""
        self.reset_state()

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        result = self.result()
        try:  # Keras 2's `layer.add_metric(metric(y, p))` finds the metric through its result
            result._metric_obj = self
        except AttributeError:  # a plain Python number (a user's result()) carries nothing
            pass
        return result

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
