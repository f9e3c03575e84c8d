"""Keras 3's optimizer-subclassing API: `build` + `update_step`, over tkeras' grouped update path.

Keras documents custom optimizers as a subclass that creates its state in `build(var_list)` with
`add_variable_from_reference` / `add_optimizer_variables` / `add_variable`, and updates one variable
at a time in `update_step(gradient, variable, learning_rate)`, writing through `self.assign`,
`self.assign_add` and `self.assign_sub`. tkeras' built-in optimizers instead implement the internal
`_update(group, grads, coefficients)` over whole lists of tensors (optimizer.py, _update_plan.py).

How the two meet: when a class is defined (`__init_subclass__`), a class whose `update_step` comes
from a more derived class than its `_update` gets `_update = _update_through_update_step`, which
walks the group's variables and calls `update_step` on each. The decision is made once per class, so
the built-ins keep their grouped kernels with no per-step test. Everything around the update is the
shared path's: loss-scale division, clipping, decoupled weight decay (before `update_step`, as in
Keras), the EMA of the weights, and the step count (incremented after all `update_step` calls, so
`self.iterations` inside `update_step` counts the completed updates).
"""
import torch

from tkeras.backend import config as backend_config
from tkeras.backend.variable import Variable


def _owner(cls, attribute):
    """The class in `cls`' MRO whose own namespace defines `attribute`."""
    for klass in cls.__mro__:
        if attribute in vars(klass):
            return klass
    return None


class CustomStepsMixin:
    """The Keras 3 subclassing methods of `Optimizer` (mixed into the base class)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step_owner, update_owner = _owner(cls, "update_step"), _owner(cls, "_update")
        if step_owner is not CustomStepsMixin and step_owner is not update_owner and \
                issubclass(step_owner, update_owner):
            cls._update = _update_through_update_step

    # -- state creation -------------------------------------------------------------------------
    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None):
        """A new non-trainable optimizer variable (saved with the optimizer's state, in creation order).
        `initializer` is an initializer name ("zeros", "ones", ...), an Initializer or a callable of
        (shape, dtype)."""
        if layout is not None:
            raise NotImplementedError(f"{type(self).__name__}.add_variable: layout= (sharding over a device "
                                      f"mesh) is not supported by tkeras; leave layout=None")
        dtype = backend_config.standardize_dtype(dtype)
        name = name or "variable"
        variable = Variable(initializer=initializer, shape=tuple(shape), dtype=dtype, trainable=False,
                            aggregation=aggregation or "none", name=name)
        return self._track_optimizer_variable(variable, name)

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A new optimizer variable shaped, typed and placed like `reference_variable`, named
        `<reference path with / as _>_<name>` (Keras' slot names, e.g. `dense_kernel_momentum`)."""
        from tkeras.optimizers.optimizer import _stem
        name = f"{_stem(reference_variable)}_{name or 'var'}"
        reference = reference_variable.detach() if isinstance(reference_variable, torch.Tensor) else None
        if reference is None:  # a NumPy array or another array-like with shape and dtype
            return self.add_variable(tuple(reference_variable.shape), initializer,
                                     dtype=str(reference_variable.dtype), name=name)
        if isinstance(initializer, str) and initializer == "zeros":
            data = torch.zeros_like(reference, memory_format=torch.preserve_format)
        else:
            from tkeras import initializers
            value = initializers.get(initializer)(tuple(reference.shape), dtype=reference.dtype)
            value = value.detach() if isinstance(value, torch.Tensor) else torch.as_tensor(value)
            if type(value) is not torch.Tensor:
                value = value.as_subclass(torch.Tensor)
            # Laid out as the reference (a convolution kernel may be stored permuted).
            data = torch.empty_like(reference, memory_format=torch.preserve_format)
            data.copy_(value.to(device=reference.device, dtype=reference.dtype))
        return self._track_optimizer_variable(Variable(data, trainable=False, name=name), name)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Variables from references for each of `trainable_variables`: one list for a single `name`,
        a tuple of lists for a list of names (created interleaved per variable, Keras' saving order).
        A variable marked `overwrite_with_gradient` gets None."""
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(name, str) or not isinstance(initializer, (list, tuple)):
            initializers_ = [initializer] * len(names)
        else:
            initializers_ = list(initializer)
        if len(names) != len(initializers_):
            raise ValueError(f"{type(self).__name__}.add_optimizer_variables: received {len(names)} names "
                             f"({name!r}) but {len(initializers_)} initializers ({initializer!r}); pass one "
                             f"initializer, or one per name")
        lists = tuple([] for _ in names)
        for variable in trainable_variables:
            skip = getattr(variable, "overwrite_with_gradient", False)
            for slot_list, slot_name, slot_init in zip(lists, names, initializers_):
                slot_list.append(None if skip else
                                 self.add_variable_from_reference(variable, slot_name, slot_init))
        return lists[0] if isinstance(name, str) else lists

    def _track_optimizer_variable(self, variable, name):
        variable._keras_path = f"{self.name}/{name}"
        self._variables.append(variable)
        return variable

    # -- variable bookkeeping -------------------------------------------------------------------
    def _var_key(self, variable):
        return id(variable)

    def _get_variable_index(self, variable):
        """The position of `variable` in the list the optimizer was built with (slot lists' index)."""
        try:
            return self._index_of[id(variable)]
        except KeyError:
            raise ValueError(f"{type(self).__name__}: unknown variable {getattr(variable, 'path', variable)!r}: "
                             f"the optimizer was not built with it (build(var_list) creates the state for "
                             f"the variables it will update)") from None

    # -- writes from update_step ----------------------------------------------------------------
    def assign(self, variable, value):
        """`variable = value` (a model or optimizer variable; Keras' hook for backend-specific writes)."""
        _write(variable, value, "assign")

    def assign_add(self, variable, value):
        """`variable += value`."""
        _write(variable, value, "assign_add")

    def assign_sub(self, variable, value):
        """`variable -= value`."""
        _write(variable, value, "assign_sub")

    def update_step(self, gradient, variable, learning_rate):
        """Update one `variable` with its `gradient`; custom optimizers override this (Keras 3)."""
        raise NotImplementedError(
            f"{type(self).__name__} implements no update: a custom optimizer overrides "
            f"update_step(self, gradient, variable, learning_rate) (and creates its state in build)")


def _write(variable, value, how):
    if isinstance(variable, Variable) or hasattr(variable, how):
        getattr(variable, how)(value)
        return
    # A plain torch tensor or Parameter (a torch module's weight).
    value = value if isinstance(value, torch.Tensor) else torch.as_tensor(value)
    with torch.no_grad():
        if how == "assign":
            variable.copy_(value)
        elif how == "assign_add":
            variable.add_(value)
        else:
            variable.sub_(value)


def _update_through_update_step(self, group, grads, coefficients):
    """`_update` for classes that implement Keras' `update_step`: one call per variable."""
    if self._schedule is None and not self.decay:
        learning_rate = self._learning_rate_var  # what Keras hands over: the rate Variable itself
    else:  # the schedule's (and Keras 1 `decay`'s) rate for this step, as a float32 scalar
        learning_rate = torch.tensor(self._current_learning_rate(self._iterations.item()), dtype=torch.float32)
    update_step = self.update_step
    for variable, gradient in zip(group.params, grads):
        update_step(gradient, variable, learning_rate)
