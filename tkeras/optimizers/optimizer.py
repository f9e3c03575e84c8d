"""The optimizer base class: Keras' optimizer API (Keras 1, 2 and 3 spellings) over foreach kernels.

Entry points, all ending in the same update code:

* `step_from_grads(variables)` is the fit loop's: it reads `.grad` of each variable (already filled by
  `loss.backward()`), skips those without one, and updates the rest in place. It never reads a value
  back from an accelerator: hyperparameters, the step count and the learning rate live on the CPU as
  Python numbers or CPU scalars, and the maths runs as `torch._foreach_*` calls over whole lists.
* `apply_gradients(zip(grads, vars))` (Keras 2 and 3) and `apply(grads, vars)` (Keras 3) take explicit
  gradients, which are never modified in place.

Keras semantics kept here: the learning rate is a float32 Variable (`opt.learning_rate.assign(x)`,
`opt.learning_rate = x`, Keras 2's `opt.lr` and `K.set_value(opt.lr, x)` all work), or a schedule
called with `iterations`; Keras 1's `decay=` divides it by `1 + decay * iterations`; weight decay is
decoupled (`var -= var * weight_decay * lr`, before the update); `variables` lists the state in
Keras 3's order (iteration, learning_rate, then per-variable slots named `<var path>_<slot>`), which
the saving code maps one to one onto Keras files.
"""
import inspect
import re
import warnings

import torch

from tkeras.backend import config as backend_config
from tkeras.backend import host_memory
from tkeras.backend.naming import to_snake_case, unique_name
from tkeras.backend.variable import Variable
from tkeras.optimizers import gradient_accumulation, schedules
from tkeras.optimizers import stateless as _stateless
from tkeras.optimizers._update_plan import clip_gradients, make_groups
from tkeras.optimizers.custom_steps import CustomStepsMixin
from tkeras.optimizers.gradient_steps import GradientStepsMixin
from tkeras.optimizers.instance_attributes import OptimizerAttributesMixin
from tkeras.optimizers.legacy_custom_steps import LegacyCustomStepsMixin, split_v2_arguments
from tkeras.optimizers.variable_list import VariableList
from tkeras.utils.lookup import lookup_error

# Constructor keywords of older Keras versions that mean nothing on this engine.
_IGNORED_KWARGS = ("jit_compile", "is_legacy_optimizer", "mesh")


class Optimizer(CustomStepsMixin, LegacyCustomStepsMixin, GradientStepsMixin, OptimizerAttributesMixin):
    """Base class. Built-in subclasses declare their slots in `_build_slots` and their maths in
    `_update`; user subclasses may instead use Keras 3's `build` + `update_step` (custom_steps.py)
    or tf-keras 2's `_create_slots` + `_resource_apply_dense` (legacy_custom_steps.py)."""

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        learning_rate, name = split_v2_arguments(self, learning_rate, name, kwargs)  # OptimizerV2: name first
        learning_rate = kwargs.pop("lr", learning_rate)  # Keras 1/2 spelling; wins, as in Keras 2
        self.decay = float(kwargs.pop("decay", 0.0) or 0.0)  # Keras 1/2: inverse-time decay per step
        for ignored in _IGNORED_KWARGS:
            kwargs.pop(ignored, None)
        if kwargs:
            valid = [p for p in inspect.signature(type(self).__init__).parameters if p not in ("self", "kwargs")]
            raise lookup_error(f"argument of {type(self).__name__}", sorted(kwargs)[0], valid + ["lr", "decay"])
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"{type(self).__name__}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set; "
                f"received clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        gradient_accumulation_steps = gradient_accumulation.checked_steps(type(self).__name__,
                                                                          gradient_accumulation_steps)
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(f"{type(self).__name__}: `ema_momentum` must be in [0, 1], received {ema_momentum}")
        # Keras 3.15 names an optimizer after its class in snake case, numbered as layers are (`adam`,
        # `adam_1`, `rm_sprop`, `adam_w`, `sgd`); the name prefixes its variables' paths.
        self.name = name or unique_name(getattr(type(self), "default_name", None) or to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []
        self._built_variables = []  # the model variables this optimizer holds slots for, build order
        self._index_of = {}  # id(model variable) -> position in _built_variables
        self._slots = {}  # slot name -> list parallel to _built_variables
        self._averages = None  # EMA copies, parallel to _built_variables
        self._plans = {}
        self._grads_owned = False  # whether this update's gradients are the fit loop's own (see _update_variables)
        self._exclude_ids = set()
        self._exclude_pattern = None
        self._iterations = self._add_state("iteration", 0, dtype=torch.int64)
        self._learning_rate_var = None
        self._schedule = None
        self._set_learning_rate(learning_rate)

    # -- state variables ----------------------------------------------------------------------
    def _add_state(self, name, value, dtype):
        """A scalar state Variable on the CPU: read every step without waiting on an accelerator."""
        variable = Variable(torch.tensor(value, dtype=dtype), trainable=False, name=name)
        variable._keras_path = f"{self.name}/{name}"
        self._variables.append(variable)
        return variable

    def _forget_state(self, variable):
        # By identity: list.remove compares tensors with ==, and a rate of 0.0 equals the step count 0.
        self._variables = [v for v in self._variables if v is not variable]

    def _add_slots(self, variables, names, initial_value=0.0, where=None):
        """One zero-filled (or `initial_value`) slot per model variable and name, interleaved per
        variable as Keras 3 orders them (`kernel_momentum, kernel_velocity, bias_momentum, ...`).
        `initial_value="copy"` starts each slot as a copy of its variable; `where(name, variable)`
        False leaves a None in that slot list (Muon keeps Adam's velocity only for some variables)."""
        for name in names:
            self._slots.setdefault(name, [])
        for reference in variables:
            stem = _stem(reference)
            for name in names:
                if where is not None and not where(name, reference):
                    self._slots[name].append(None)
                    continue
                if isinstance(initial_value, str) and initial_value == "copy":
                    data = reference.detach().clone(memory_format=torch.preserve_format)
                else:
                    data = torch.full_like(reference.detach(), initial_value, memory_format=torch.preserve_format)
                self._slots[name].append(self._new_state(data, f"{stem}_{name}"))

    def _new_state(self, data, name):
        """A non-trainable state Variable saved as `<optimizer name>/<name>`, appended to `variables`."""
        slot = Variable(data, trainable=False, name=name)
        slot._keras_path = f"{self.name}/{name}"
        self._variables.append(slot)
        return slot

    def _build_slots(self, variables):
        """Subclasses create their per-variable slots here (called once per newly seen variable)."""

    def build(self, var_list):
        """Create the optimizer state for `var_list` (Keras 3). Variables first seen in a later
        update get theirs then, appended after the others."""
        new = [v for v in var_list if id(v) not in self._index_of]
        if self.built and not new:
            return
        self._settle()
        for v in new:
            self._index_of[id(v)] = len(self._built_variables)
            self._built_variables.append(v)
        if self.use_ema:
            if self._averages is None:
                self._averages = []
            for v in new:
                average = Variable(v.detach().clone(), trainable=False, name=f"{_stem(v)}_average")
                average._keras_path = f"{self.name}/{_stem(v)}_average"
                self._averages.append(average)
                self._variables.append(average)
        if self.gradient_accumulation_steps:
            gradient_accumulation.add_accumulators(self, new)
        self._build_slots(new)
        self.built = True
        self._plans.clear()

    @property
    def variables(self):
        """The optimizer's state in Keras 3 order, for saving and restoring; also callable, as tf-keras 2's
        `optimizer.variables()` (variable_list.py)."""
        self._settle()
        return VariableList(self._variables)

    @property
    def weights(self):  # Keras 2 name
        return self.variables

    def get_weights(self):
        self._settle()
        return [v.numpy() for v in self._variables]

    def set_weights(self, weights):
        if len(weights) != len(self._variables):
            raise ValueError(f"{self.name}.set_weights: expected {len(self._variables)} arrays (the optimizer's "
                             f"variables; call optimizer.build(var_list) first), received {len(weights)}")
        self._settle()
        for variable, value in zip(self._variables, weights):
            variable.assign(value)

    def save_own_variables(self, store):
        self._settle()
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        if len(store.keys()) != len(self._variables):
            warnings.warn(f"Skipping variable loading for optimizer {self.name!r}: it has {len(self._variables)} "
                          f"variables whereas the saved optimizer has {len(store.keys())}.", stacklevel=2)
            return
        self._settle()
        for i, variable in enumerate(self._variables):
            variable.assign(store[str(i)])

    def _settle(self):
        """Return slots that an update left in a working form to Keras' values. A no-op here; RMSprop's
        fused update leaves its velocities offset by a constant between updates (rmsprop.py). Called
        before the state is read or written from outside the updates, and before plans change."""

    # -- iterations and learning rate -------------------------------------------------------------
    @property
    def iterations(self):
        """The number of updates applied so far, an int64 Variable (Keras' `optimizer.iterations`); with
        gradient accumulation, the updates (steps // N) as a tensor (gradient_accumulation.py)."""
        if self.gradient_accumulation_steps:
            return self._iterations // self.gradient_accumulation_steps
        return self._iterations

    @iterations.setter
    def iterations(self, value):
        self._iterations.assign(int(value))

    def _set_learning_rate(self, value):
        if isinstance(value, dict):  # a serialized schedule inside a config
            value = schedules.deserialize(value)
        if isinstance(value, schedules.LearningRateSchedule) or (
                callable(value) and not isinstance(value, torch.Tensor)):
            self._schedule = value
            if self._learning_rate_var is not None:  # no longer state: Keras untracks it too
                self._forget_state(self._learning_rate_var)
                self._learning_rate_var = None
            return
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{type(self).__name__}: `learning_rate` must be a float, a LearningRateSchedule or a "
                             f"callable returning the rate; received {value!r}") from None
        if self._schedule is not None:
            raise TypeError(
                f"{type(self).__name__} was created with a learning-rate schedule ({type(self._schedule).__name__}), "
                f"so its learning rate cannot be set to a number; create the optimizer with a float "
                f"learning_rate to change it during training.")
        if self._learning_rate_var is None:
            self._learning_rate_var = self._add_state("learning_rate", number,
                                                      dtype=backend_config.standardize_dtype(None))
            # Keras 3 keeps it right after `iteration`; saved files rely on that position.
            self._forget_state(self._learning_rate_var)
            self._variables.insert(1, self._learning_rate_var)
        else:
            self._learning_rate_var.assign(number)

    @property
    def learning_rate(self):
        """A float32 Variable (readable with float(), settable with `.assign`), or with a schedule
        the rate the next step will use."""
        if self._schedule is None:
            return self._learning_rate_var
        if isinstance(self._schedule, schedules.LearningRateSchedule):
            return self._schedule(self._iterations)
        return self._schedule()

    @learning_rate.setter
    def learning_rate(self, value):
        self._set_learning_rate(value)

    lr = learning_rate  # Keras 1/2 attribute, read and written by old callbacks

    def _current_learning_rate(self, step):
        """The rate for the update after `step` completed ones, as a Python float (no device read:
        the Variable and the step count are on the CPU)."""
        schedule = self._schedule
        if schedule is None:
            rate = self._learning_rate_var.item()
        elif isinstance(schedule, schedules.LearningRateSchedule):
            cls = type(schedule)
            # The scalar formula is only the schedule's answer when no subclass overrides __call__.
            if cls.__call__ is schedules.LearningRateSchedule.__call__ and \
                    cls._rate is not schedules.LearningRateSchedule._rate:
                rate = float(schedule._rate(float(step)))
            else:
                rate = float(schedule(self._iterations))
        else:
            rate = float(schedule())
        if self.decay:
            rate = rate / (1.0 + self.decay * step)
        return rate

    # -- weight decay ---------------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Keep weight decay off the given variables, or those whose name contains one of `var_names`."""
        if self.built:
            raise ValueError(f"{self.name}: exclude_from_weight_decay() must be called before the optimizer "
                             f"is built (before its first update)")
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(map(re.escape, var_names))) if var_names else None
        self._plans.clear()

    def _decays(self, variable):
        return bool(self.weight_decay) and not self._excluded_from_weight_decay(variable)

    def _excluded_from_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return True
        pattern = self._exclude_pattern
        return pattern is not None and pattern.search(str(getattr(variable, "name", ""))) is not None

    # -- loss scaling (Keras 3 `loss_scale_factor`) -----------------------------------------------
    def scale_loss(self, loss):
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    # -- updates --------------------------------------------------------------------------------
    def step_from_grads(self, variables):
        """The fit loop's update: `.grad` of each variable (None ones skipped), applied in place.

        The gradients may be modified in place (clipping); the variables must be leaf tensors.
        """
        active = [v for v in variables if v.grad is not None]
        if not active:
            if variables:
                raise ValueError("No gradients provided for any variable: the loss does not depend on the "
                                 "trainable weights (did you forget to provide a `loss` to compile()?)")
            return
        self._update_variables(active, [v.grad for v in active], owned=True)

    def apply_gradients(self, grads_and_vars, name=None, skip_gradients_aggregation=False, **kwargs):
        """Keras 2/3: apply explicit gradients (pairs of gradient, variable); None gradients skipped."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Keras 3: apply `grads` to `trainable_variables` (default: the variables given to build)."""
        grads = list(grads)
        if not grads:  # Keras: nothing to apply is a no-op, not an error
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(f"{self.name}.apply: pass trainable_variables, or call "
                                 f"optimizer.build(trainable_variables) first")
            trainable_variables = self._built_variables
        variables = list(trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(f"{self.name}.apply: received {len(grads)} gradients for {len(variables)} variables")
        if not self.built:
            self.build(variables)
        kept, kept_grads, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(getattr(v, "path", getattr(v, "name", "?")))
                continue
            kept.append(v)
            kept_grads.append(_as_gradient(g, v))
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                          f"`model.compile()`, did you forget to provide a `loss` argument?", stacklevel=3)
        self._update_variables(kept, kept_grads, owned=False)

    stateless_apply = _stateless.stateless_apply  # Keras 3's stateless API (stateless.py)

    def minimize(self, loss, var_list, tape=None):
        """Keras 2: compute the gradients of `loss` (a tensor, or a callable returning one) and apply them."""
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        if tape is not None and hasattr(tape, "gradient"):
            value = loss() if callable(loss) else loss
            grads = tape.gradient(value, var_list)
        else:
            value = loss() if callable(loss) else loss
            grads = torch.autograd.grad(value, var_list, allow_unused=True)
        return self.apply_gradients(zip(grads, var_list))

    def _update_variables(self, variables, grads, owned):
        """One update of `variables` with `grads` (parallel lists, no None)."""
        if self.gradient_accumulation_steps:
            gradient_accumulation.accumulating_update(self, variables, grads, owned)
            return
        step = self._iterations.item()
        self._apply_update(self._plan_for(variables), grads, owned, rate_step=step, update_step=step)
        self._iterations.add_(1)

    def _plan_for(self, variables):
        plan = self._plans.get(tuple(map(id, variables)))
        return self._make_plan(variables) if plan is None else plan

    def _apply_update(self, plan, grads, owned, rate_step, update_step):
        """Clip, decay and update with `grads`; the learning rate is the one for `rate_step` completed steps,
        the update's own step number (bias corrections, the EMA) is `update_step` (they differ only
        with gradient accumulation)."""
        lr = self._current_learning_rate(rate_step)
        with torch.no_grad():
            if self.loss_scale_factor is not None:
                grads = torch._foreach_div(grads, self.loss_scale_factor)
                owned = True
            if self.clipnorm or self.global_clipnorm or self.clipvalue:
                grads = clip_gradients(grads, self.clipnorm, self.global_clipnorm, self.clipvalue, owned)
                owned = True
            self._grads_owned = owned  # an _update may then reuse the gradients' memory
            coefficients = self._step_coefficients(lr, update_step + 1)
            for group in plan:
                group_grads = group.grads_of(grads)
                if group.decayed:
                    torch._foreach_mul_(group.decayed, 1.0 - lr * self.weight_decay)
                self._update(group, group_grads, coefficients)
            if self._averages is not None:
                self._update_averages(update_step)

    def _make_plan(self, variables):
        self._settle()  # the new plan's slot lists start from Keras' values
        host_memory.configure()  # a custom training loop's steps keep their freed memory too
        unknown = [v for v in variables if id(v) not in self._index_of]
        if unknown:
            self.build(unknown)
            for v in unknown:  # a custom `build` that returns once built knows no later variables
                self._get_variable_index(v)
        plan = make_groups(variables, self._slots, self._index_of, self._decays, None)
        self._plans[tuple(map(id, variables))] = plan
        return plan

    def _step_coefficients(self, lr, step):
        """Scalars for this update, computed once for all groups (`step` counts from 1)."""
        return lr

    def _update(self, group, grads, coefficients):
        raise NotImplementedError(
            f"{type(self).__name__} implements no update: a custom optimizer overrides Keras' "
            f"update_step(self, gradient, variable, learning_rate) (tkeras' built-ins implement the "
            f"internal _update(group, grads, coefficients) instead)")

    # -- exponential moving average of the weights (Keras 3 `use_ema`) ----------------------------
    def _update_averages(self, step):
        """Keras averages every variable the optimizer was built for, also one without a gradient
        this step (its average still moves towards its unchanged value)."""
        groups = self._plans.get("ema")
        if groups is None:
            groups = make_groups(self._built_variables, {}, self._index_of, lambda v: False, self._averages)
            self._plans["ema"] = groups
        frequency = self.ema_overwrite_frequency
        for group in groups:
            if step == 0:
                torch._foreach_copy_(group.ema, group.params)
            else:
                torch._foreach_lerp_(group.ema, group.params, 1.0 - self.ema_momentum)
            if frequency and (step + 1) % frequency == 0:
                torch._foreach_copy_(group.params, group.ema)

    def finalize_variable_values(self, var_list):
        """With `use_ema`, overwrite the model variables with their moving averages (end of fit)."""
        if not self.use_ema or self._averages is None:
            return
        with torch.no_grad():
            for v in var_list:
                index = self._index_of.get(id(v))
                if index is not None:
                    v.copy_(self._averages[index])

    # -- config ---------------------------------------------------------------------------------
    def get_config(self):
        if self._schedule is None:
            learning_rate = float(self._learning_rate_var.item())
        elif isinstance(self._schedule, schedules.LearningRateSchedule):
            learning_rate = schedules.serialize(self._schedule)
        else:
            from tkeras.saving.serialization import serialize_keras_object
            learning_rate = serialize_keras_object(self._schedule)
        config = {
            "name": self.name, "learning_rate": learning_rate, "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
            "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency, "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }
        if self.decay:
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, iterations={int(self._iterations.item())}>"


def _stem(variable):
    """Keras 3 names a slot after its variable's path: `sequential/dense/kernel` -> `sequential_dense_kernel`."""
    name = str(getattr(variable, "path", None) or getattr(variable, "name", "variable"))
    return name.replace("/", "_").replace(":", "_")


def _as_gradient(grad, variable):
    """An explicit gradient as a tensor matching its variable (NumPy arrays and other dtypes accepted)."""
    if not isinstance(grad, torch.Tensor):
        return torch.as_tensor(grad, dtype=variable.dtype, device=variable.device)
    grad = grad.detach()
    if type(grad) is not torch.Tensor:
        grad = grad.as_subclass(torch.Tensor)
    if grad.dtype != variable.dtype or grad.device != variable.device:
        grad = grad.to(device=variable.device, dtype=variable.dtype)
    return grad
