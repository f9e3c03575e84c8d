"""tf-keras 2's OptimizerV2 subclassing API (`keras.optimizers.legacy.Optimizer`) over tkeras' update path.

A tf-keras 2 custom optimizer is written as

* `__init__(self, learning_rate=..., name="MyOpt", **kwargs)` calling `super().__init__(name, **kwargs)`
  (the base class takes the *name* first) and then `self._set_hyper("learning_rate", ...)`;
* `_create_slots(var_list)` calling `self.add_slot(var, "m")` for each variable;
* `_resource_apply_dense(grad, var, apply_state)` reading `self.get_slot(var, "m")`,
  `self._get_hyper("momentum", var.dtype)` or `self._decayed_lr(var.dtype)`, or the per-(device, dtype)
  coefficients that `_prepare_local` put into `apply_state`, and writing with `var.assign_sub(...)`.

How it meets tkeras: when a class is defined, one whose `_resource_apply_dense` comes from a more
derived class than its `_update` gets `_update = _update_through_resource_apply` (one call per
variable, `apply_state` prepared once per update) and, when it defines `_create_slots`,
`_build_slots = _build_through_create_slots`. The decision is made once per class, as for Keras 3's
`update_step` (custom_steps.py); built-in optimizers keep their grouped kernels. Clipping, `decay=`
and the step count are the shared path's; `self.iterations` inside `_resource_apply_dense` counts the
completed updates, as in tf-keras.

The slot and hyperparameter methods (`add_slot`, `get_slot`, `get_slot_names`, `_set_hyper`,
`_get_hyper`) and the Keras 2 graph-era methods (`get_gradients`, `get_updates`, `add_weight`) are
available on every tkeras optimizer; `get_slot` also reads a built-in optimizer's own slots by their
tkeras names (`momentum`, `velocity`, ...).
"""
import torch

from tkeras.backend import config as backend_config
from tkeras.optimizers.custom_steps import _owner


def split_v2_arguments(optimizer, learning_rate, name, kwargs):
    """OptimizerV2's `__init__(name, gradient_aggregator=None, gradient_transformers=None, **kwargs)`:
    a string where tkeras expects the learning rate is the name; the rate then comes from `lr` /
    `learning_rate` keywords, or later from `_set_hyper("learning_rate", ...)` (default 0.001).
    Only for classes that implement `_resource_apply_dense` (elsewhere a string rate is an error)."""
    if not isinstance(learning_rate, str) or type(optimizer)._update is not _update_through_resource_apply:
        return learning_rate, name
    for unused in ("gradient_aggregator", "gradient_transformers"):
        if kwargs.pop(unused, None) is not None:
            raise NotImplementedError(f"Optimizer {learning_rate!r}: `{unused}` (tf-keras 2 OptimizerV2) is not "
                                      f"supported by tkeras; clip with clipnorm/clipvalue/global_clipnorm instead")
    rate = kwargs.pop("learning_rate", 0.001)
    return rate, (name or learning_rate)


class LegacyCustomStepsMixin:
    """The tf-keras 2 OptimizerV2 subclassing methods of `Optimizer` (mixed into the base class)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        apply_owner, update_owner = _owner(cls, "_resource_apply_dense"), _owner(cls, "_update")
        if apply_owner is not None and apply_owner is not LegacyCustomStepsMixin and \
                apply_owner is not update_owner and issubclass(apply_owner, update_owner):
            cls._update = _update_through_resource_apply
            if _owner(cls, "__getattr__") is None:
                cls.__getattr__ = _hyper_attribute
            slots_owner = _owner(cls, "_create_slots")
            if slots_owner is not None and slots_owner is not LegacyCustomStepsMixin and \
                    issubclass(slots_owner, _owner(cls, "_build_slots")):
                cls._build_slots = _build_through_create_slots

    # -- hyperparameters ------------------------------------------------------------------------
    def _legacy_hyper(self):
        hyper = self.__dict__.get("_hyper")
        if hyper is None:
            hyper = self.__dict__["_hyper"] = {}
        return hyper

    def _set_hyper(self, name, value):
        """Set hyperparameter `name` (a number, a tensor, a callable, or for the rate a schedule).
        `learning_rate` (and `lr`) is the optimizer's own rate Variable or schedule."""
        if name in ("learning_rate", "lr"):
            self._set_learning_rate(value)
            self._legacy_hyper()["learning_rate"] = None  # read through the rate Variable
            return
        if isinstance(value, torch.Tensor):
            value = value.detach()
        self._legacy_hyper()[name] = value

    def _get_hyper(self, name, dtype=None):
        """Hyperparameter `name`; with `dtype`, a scalar tensor of that dtype (tf-keras casts it)."""
        if name in ("learning_rate", "lr"):
            if self._schedule is not None and not dtype:
                return self._schedule
            value = self._current_learning_rate(int(self._iterations.item())) if self.decay else \
                (self._learning_rate_var if self._schedule is None else self.learning_rate)
            if self.decay:  # undo: _get_hyper gives the undecayed rate, _decayed_lr applies `decay`
                value = value * (1.0 + self.decay * int(self._iterations.item()))
        else:
            hyper = self._legacy_hyper()
            if name not in hyper:
                raise KeyError(f"{type(self).__name__}._get_hyper: no hyperparameter {name!r}; set it with "
                               f"self._set_hyper({name!r}, value) in __init__ (known: {sorted(hyper)})")
            value = hyper[name]
            if callable(value) and not isinstance(value, torch.Tensor):
                value = value()
        if dtype is None:
            return value
        return _scalar(value, dtype)

    def _serialize_hyperparameter(self, name):
        """A hyperparameter as get_config stores it (a number, or a serialized schedule)."""
        if name in ("learning_rate", "lr"):
            if self._schedule is None:
                return float(self._learning_rate_var.item())
            from tkeras.optimizers import schedules
            return schedules.serialize(self._schedule) if isinstance(
                self._schedule, schedules.LearningRateSchedule) else self._schedule
        value = self._get_hyper(name)
        if isinstance(value, torch.Tensor):
            return value.item()
        return value

    def _decayed_lr(self, var_dtype):
        """The rate for this update (schedule and `decay=` applied), as a scalar of `var_dtype`."""
        return _scalar(self._current_learning_rate(int(self._iterations.item())), var_dtype)

    def _prepare(self, var_list):
        """`apply_state`: per (device, dtype) of `var_list`, the coefficients `_prepare_local` computes."""
        apply_state = {}
        for var in var_list:
            key = (var.device, var.dtype)
            if key not in apply_state:
                apply_state[key] = {}
                self._prepare_local(key[0], key[1], apply_state)
        return apply_state

    def _prepare_local(self, var_device, var_dtype, apply_state):
        """Fill `apply_state[(var_device, var_dtype)]`; the base puts the decayed rate under `lr_t`."""
        apply_state[(var_device, var_dtype)]["lr_t"] = self._decayed_lr(var_dtype)

    def _fallback_apply_state(self, var_device, var_dtype):
        apply_state = {(var_device, var_dtype): {}}
        self._prepare_local(var_device, var_dtype, apply_state)
        return apply_state[(var_device, var_dtype)]

    # -- slots ----------------------------------------------------------------------------------
    def add_slot(self, var, slot_name, initializer="zeros", shape=None):
        """A slot Variable for `var` named `slot_name` (created once; later calls return it)."""
        slots = self.__dict__.setdefault("_legacy_slots", {})
        names = self.__dict__.setdefault("_legacy_slot_names", [])
        if slot_name not in names:
            names.append(slot_name)
        per_var = slots.setdefault(id(var), {})
        if slot_name in per_var:
            return per_var[slot_name]
        if shape is None:
            slot = self.add_variable_from_reference(var, slot_name, initializer)
        else:
            from tkeras.optimizers.optimizer import _stem
            slot = self.add_variable(shape, initializer, dtype=var.dtype, name=f"{_stem(var)}_{slot_name}")
            slot.data = slot.data.to(var.device)
        per_var[slot_name] = slot
        return slot

    def get_slot(self, var, slot_name):
        """The slot `slot_name` of `var` (made by add_slot, or a built-in optimizer's own slot)."""
        slot = self.__dict__.get("_legacy_slots", {}).get(id(var), {}).get(slot_name)
        if slot is not None:
            return slot
        index = self._index_of.get(id(var))
        if index is not None and slot_name in self._slots and self._slots[slot_name][index] is not None:
            self._settle()
            return self._slots[slot_name][index]
        raise KeyError(f"{type(self).__name__}.get_slot: no slot {slot_name!r} for variable "
                       f"{getattr(var, 'path', getattr(var, 'name', '?'))!r} (slots: {self.get_slot_names()})")

    def get_slot_names(self):
        """The names of this optimizer's slots, in creation order."""
        names = list(self.__dict__.get("_legacy_slot_names", []))
        return names + [n for n in self._slots if n not in names]

    # -- Keras 2 graph-era methods --------------------------------------------------------------
    def get_gradients(self, loss, params):
        """The gradients of `loss` (a tensor that autograd can differentiate) with respect to `params`,
        clipped as the optimizer's clipnorm / clipvalue / global_clipnorm say."""
        from tkeras.optimizers._update_plan import clip_gradients
        params = list(params)
        grads = torch.autograd.grad(loss, params, allow_unused=True, retain_graph=True)
        for grad, param in zip(grads, params):
            if grad is None:
                raise ValueError(f"{type(self).__name__}.get_gradients: variable "
                                 f"{getattr(param, 'path', getattr(param, 'name', '?'))!r} has no gradient: the "
                                 f"loss does not depend on it")
        grads = list(grads)
        if self.clipnorm or self.global_clipnorm or self.clipvalue:
            grads = list(clip_gradients(grads, self.clipnorm, self.global_clipnorm, self.clipvalue, False))
        return grads

    def get_updates(self, loss, params):
        """Compute the gradients of `loss` and apply them now; returns `[iterations]` (tf-keras
        returned the update op, which tkeras has already run). A symbolic loss (Keras 2 graph code) gives
        the update for `K.function(..., updates=...)` instead, applied at each call of that function."""
        params = list(params)
        from tkeras.backend.keras_tensor import KerasTensor
        if isinstance(loss, KerasTensor):
            from tkeras.backend.graph_function import GraphUpdate
            from tkeras.backend.graph_gradients import gradients
            return [GraphUpdate(gradients(loss, params),
                                lambda grads: self.apply_gradients(zip([g.detach() for g in grads], params)))]
        grads = self.get_gradients(loss, params)
        self.apply_gradients(zip(grads, params))
        return [self._iterations]

    def add_weight(self, name, shape, dtype=None, initializer="zeros", trainable=None, synchronization=None,
                   aggregation=None):
        """A new optimizer variable (tf-keras 2); saved with the optimizer's state."""
        if trainable:
            raise ValueError(f"{type(self).__name__}.add_weight: optimizer weights are not trainable; "
                             f"received trainable=True for {name!r}")
        if isinstance(shape, int):
            shape = (shape,)
        return self.add_variable(tuple(shape or ()), initializer, dtype=dtype, name=name)


def _hyper_attribute(self, name):
    """`__getattr__` of tf-keras 2 style classes, which read hyperparameters as attributes
    (`opt.momentum`); only reached when the ordinary lookup failed."""
    hyper = self.__dict__.get("_hyper")
    if hyper is not None and name in hyper and hyper[name] is not None:
        return hyper[name]
    raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def _scalar(value, dtype):
    if isinstance(dtype, str) or not isinstance(dtype, torch.dtype):
        dtype = backend_config.standardize_dtype(getattr(dtype, "name", dtype))
    if isinstance(value, torch.Tensor):
        return value.detach().to(dtype)
    return torch.tensor(value, dtype=dtype)


def _build_through_create_slots(self, variables):
    """`_build_slots` for classes that implement tf-keras 2's `_create_slots(var_list)`."""
    self._create_slots(list(variables))


def _update_through_resource_apply(self, group, grads, coefficients):
    """`_update` for classes that implement tf-keras 2's `_resource_apply_dense`: one call per variable."""
    apply_state = self._prepare(group.params)
    apply = self._resource_apply_dense
    for variable, gradient in zip(group.params, grads):
        apply(gradient, variable, apply_state)
