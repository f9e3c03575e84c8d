"""Keras 3's `StatelessScope` and `SymbolicScope`.

Inside a StatelessScope, variables read the values given in `state_mapping`, and assignments are
kept in the scope instead of changing the variables (`scope.get_current_value(v)` returns them): a
function of the weights can be evaluated at other weights without touching the model. tkeras swaps
each mapped variable's storage for the duration of the scope, and `Variable.assign*` asks
`active_stateless_scope()` before writing.
"""
import threading

import torch

_ACTIVE = threading.local()


def active_stateless_scope():
    return getattr(_ACTIVE, "stateless", None)


class StatelessScope:
    """Evaluate with `state_mapping` [(variable, value)] as the variables' values; record, not apply,
    assignments. `collect_losses` keeps the losses layers add inside (`scope.losses`)."""

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        from tkeras.backend.variable import Variable
        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses = []
        self._values = {}  # id(variable) -> (variable, value)
        for pair in state_mapping or ():
            try:
                variable, value = pair
            except (TypeError, ValueError):
                raise ValueError("StatelessScope: state_mapping must be a list of (Variable, value) pairs") from None
            if not isinstance(variable, Variable):
                raise ValueError(f"StatelessScope: each key of state_mapping must be a Variable; received "
                                 f"{type(variable).__name__}")
            value = torch.as_tensor(value, device=variable.device).to(variable.dtype)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(f"StatelessScope: the value for variable {variable.path!r} has shape "
                                 f"{tuple(value.shape)}; the variable's shape is {tuple(variable.shape)}")
            self._values[id(variable)] = (variable, value)
        self._saved = {}
        self._parent = None

    def __enter__(self):
        self._parent = active_stateless_scope()
        _ACTIVE.stateless = self
        for key, (variable, value) in self._values.items():
            self._saved[key] = variable.data
            variable.data = value.detach().clone()
        return self

    def add_update(self, variable, value):
        """Called by `Variable.assign*` inside the scope: remember the value, show it to later reads."""
        value = value.detach().to(variable.dtype)
        key = id(variable)
        if key not in self._saved:  # an unmapped variable: shield it from the write as well
            self._saved[key] = variable.data
        self._values[key] = (variable, value)
        variable.data = value.clone()

    def get_current_value(self, variable):
        """The value `variable` has inside this scope (None if it was neither mapped nor assigned)."""
        entry = self._values.get(id(variable))
        if entry is None:
            return None
        from tkeras.backend.context import CALL_CONTEXT
        from tkeras.backend.eager_tensor import wrap_structure
        value = entry[1].detach().clone()
        return value if CALL_CONTEXT.depth or CALL_CONTEXT.raw else wrap_structure(value)

    def add_loss(self, loss):
        self.losses.append(loss)

    def __exit__(self, *exc_info):
        for key, variable_and_value in self._values.items():
            variable = variable_and_value[0]
            if key in self._saved:
                current = variable.data
                variable.data = self._saved[key]
                self._values[key] = (variable, current)
        self._saved = {}
        _ACTIVE.stateless = self._parent
        return False


def current_values(variables):
    """Copies of the variables' values now (inside a scope: the values the scope shows), as eager
    tensors: what Keras' stateless methods hand back (`stateless_call`, `stateless_update_state`, ...)."""
    from tkeras.backend.eager_tensor import wrap_structure
    return wrap_structure([v.detach().clone() for v in variables])


def in_stateless_scope():
    return active_stateless_scope() is not None


class SymbolicScope:
    """Marks code that runs on symbolic tensors only (Keras uses it while tracing shapes);
    `in_symbolic_scope()` tells such code apart."""

    def __enter__(self):
        self._parent = getattr(_ACTIVE, "symbolic", None)
        _ACTIVE.symbolic = self
        return self

    def __exit__(self, *exc_info):
        _ACTIVE.symbolic = self._parent
        return False


def in_symbolic_scope():
    return getattr(_ACTIVE, "symbolic", None) is not None
