"""Dynamic loss scaling for float16 training (Keras 3's `LossScaleOptimizer`, torch GradScaler's rule).

float16 gradients below ~6e-8 flush to zero. Multiplying the loss by a large scale before backward
lifts them into range; the gradients are divided by the same scale before the update, so the maths is
unchanged. When a step produces inf/NaN gradients the scale was too large: that step is skipped and
the scale halved. After `dynamic_growth_steps` finite steps in a row the scale is doubled again.

Deciding whether to skip a step needs one device→host read per step (torch's GradScaler does the
same); it only happens under this optimizer, i.e. with a `mixed_float16` policy.

The wrapper's own state is four variables in Keras 3's order (its iteration and learning rate, both
unused and kept at 0 as in Keras, then `step_counter` and `dynamic_scale`), listed before the inner
optimizer's in `variables`, so a `.keras` file carries the scale both ways.
"""
import torch

from tkeras.optimizers._wrapper_state import FlatVariableState
from tkeras.optimizers.variable_list import VariableList


class LossScaleOptimizer(FlatVariableState):
    """Wraps an optimizer; everything but scaling is delegated to it (learning_rate, iterations, ...)."""

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000, dynamic=True,
                 name=None, **kwargs):
        # Keras 2 spelled the fixed scale `initial_scale` with `dynamic=False`; `loss_scale` is older still.
        if "loss_scale" in kwargs:
            legacy = kwargs.pop("loss_scale")
            if legacy != "dynamic":
                initial_scale, dynamic = float(legacy), False
        if kwargs:
            raise TypeError(f"LossScaleOptimizer got unexpected keyword argument(s) {sorted(kwargs)}")
        if isinstance(inner_optimizer, LossScaleOptimizer):
            raise ValueError("LossScaleOptimizer: the inner optimizer is already a LossScaleOptimizer; wrap the "
                             "plain optimizer once")
        if not hasattr(inner_optimizer, "step_from_grads") and not hasattr(inner_optimizer, "apply_gradients"):
            raise TypeError(f"LossScaleOptimizer expects a tkeras optimizer as inner_optimizer, received "
                            f"{inner_optimizer!r}")
        if initial_scale <= 0:
            raise ValueError(f"LossScaleOptimizer: initial_scale must be > 0, received {initial_scale}")
        if int(dynamic_growth_steps) < 1:
            raise ValueError(f"LossScaleOptimizer: dynamic_growth_steps must be >= 1, received {dynamic_growth_steps}")
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        self.dynamic = bool(dynamic)
        self.name = name or "loss_scale_optimizer"
        self._own_variables = None
        self.skipped_steps = 0

    # -- the scale --------------------------------------------------------------------------------
    def _state(self):
        """[iteration, learning_rate, step_counter, dynamic_scale], made on first use (on the weights' device)."""
        if self._own_variables is None:
            from tkeras.backend import config
            from tkeras.backend.variable import Variable
            device = config.device()
            specs = [("iteration", 0, torch.int64), ("learning_rate", 0.0, torch.float32),
                     ("step_counter", 0, torch.int64), ("dynamic_scale", self.initial_scale, torch.float32)]
            self._own_variables = [
                Variable(torch.tensor(value, dtype=dtype, device=device), trainable=False, name=f"{self.name}/{n}")
                for n, value, dtype in specs]
        return self._own_variables

    def _scale_tensor(self, device):
        scale = self._state()[3]
        if scale.device != device:
            scale.data = scale.data.to(device)
        return scale.data

    @property
    def variables(self):
        """The wrapper's four variables, then the inner optimizer's (Keras 3's order and count)."""
        return VariableList(list(self._state()) + list(self.inner_optimizer.variables))

    @property
    def step_counter(self):
        return int(self._state()[2])

    @property
    def dynamic_scale(self):
        """The current loss scale, a Python float (Keras 3 name)."""
        return float(self._state()[3])

    # Keras 2 name.
    loss_scale = dynamic_scale

    def scale_loss(self, loss):
        return loss * self._scale_tensor(loss.device)

    def get_scaled_loss(self, loss):  # Keras 2 name
        return self.scale_loss(loss)

    def get_unscaled_gradients(self, grads):
        """tf-keras 2's custom-loop step: its `apply_gradients` then takes these already divided gradients
        as they are (Keras 3's takes scaled ones and divides itself), so the next apply skips the division."""
        inv = 1.0 / self.dynamic_scale
        self._gradients_unscaled_by_caller = True
        return [None if g is None else g * inv for g in grads]

    # -- updates ----------------------------------------------------------------------------------
    def _unscale_and_check(self, grads, divisor=None):
        """Divides the gradients by the scale (or by `divisor`) in place; True when they are all finite."""
        present = [g for g in grads if g is not None]
        if not present:
            return True
        scale = self._scale_tensor(present[0].device) if divisor is None else divisor
        found_inf = torch.zeros((), dtype=torch.float32, device=scale.device)
        by_dtype = {}
        for g in present:
            by_dtype.setdefault((g.device, g.dtype), []).append(g)
        for group in by_dtype.values():
            torch._amp_foreach_non_finite_check_and_unscale_(group, found_inf, scale.reciprocal())
        return not bool(found_inf)  # the one host read per step

    def _after_step(self, finite):
        if not self.dynamic:
            return
        counter, scale = self._state()[2].data, self._state()[3].data
        if finite:
            # Doubles after dynamic_growth_steps finite steps in a row, on the device (no host read).
            counter.add_(1)
            grow = counter >= self.dynamic_growth_steps
            scale.mul_(torch.where(grow, 2.0, 1.0))
            counter.masked_fill_(grow, 0)
        else:
            counter.zero_()
            self.skipped_steps += 1
            scale.mul_(0.5)

    def step_from_grads(self, variables):
        """The fit loop's entry point: `.grad` holds gradients of the *scaled* loss."""
        variables = list(variables)
        finite = self._unscale_and_check([v.grad for v in variables])
        if finite or not self.dynamic:
            self.inner_optimizer.step_from_grads(variables)
        self._after_step(finite)
        return finite

    def apply_gradients(self, grads_and_vars, **kwargs):
        pairs = [(g, v) for g, v in grads_and_vars]
        grads = [None if g is None else g.clone() for g, _ in pairs]
        already_unscaled = self.__dict__.pop("_gradients_unscaled_by_caller", False)
        present = next((g for g in grads if g is not None), None)
        keep = None if not already_unscaled or present is None else torch.ones((), device=present.device)
        finite = self._unscale_and_check(grads, divisor=keep)
        if finite or not self.dynamic:
            self.inner_optimizer.apply_gradients(list(zip(grads, [v for _, v in pairs])), **kwargs)
        self._after_step(finite)
        return finite

    def apply(self, grads, trainable_variables=None):
        return self.apply_gradients(zip(grads, trainable_variables))

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """One update on given values, returned as new values (mixed_precision/loss_scale_stateless.py)."""
        from tkeras.mixed_precision.loss_scale_stateless import stateless_apply
        return stateless_apply(self, optimizer_variables, grads, trainable_variables)

    def check_finite(self, grads):
        """A boolean tensor: whether every gradient in `grads` (None entries skipped) is finite."""
        finite = [torch.isfinite(torch.as_tensor(g)).all() for g in grads if g is not None]
        return torch.stack(finite).all() if finite else torch.tensor(True)

    # -- Keras 3's optimizer methods, explicitly --------------------------------------------------
    def build(self, var_list):
        """Create the scale's variables and the inner optimizer's state for `var_list`."""
        self._state()
        self.inner_optimizer.build(var_list)

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def finalize_variable_values(self, var_list):
        return self.inner_optimizer.finalize_variable_values(var_list)

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        return self.inner_optimizer.exclude_from_weight_decay(var_list=var_list, var_names=var_names)

    # Custom-step helpers (Keras' base Optimizer methods): the inner optimizer owns the state.
    def add_variable(self, *args, **kwargs):
        return self.inner_optimizer.add_variable(*args, **kwargs)

    def add_variable_from_reference(self, *args, **kwargs):
        return self.inner_optimizer.add_variable_from_reference(*args, **kwargs)

    def add_optimizer_variables(self, *args, **kwargs):
        return self.inner_optimizer.add_optimizer_variables(*args, **kwargs)

    def assign(self, variable, value):
        return self.inner_optimizer.assign(variable, value)

    def assign_add(self, variable, value):
        return self.inner_optimizer.assign_add(variable, value)

    def assign_sub(self, variable, value):
        return self.inner_optimizer.assign_sub(variable, value)

    def update_step(self, gradient, variable, learning_rate):
        return self.inner_optimizer.update_step(gradient, variable, learning_rate)

    # get/set/save/load weights: the wrapper's four variables then the inner optimizer's, as in
    # `variables` (Keras 3's order): FlatVariableState.

    # -- everything else is the inner optimizer's -------------------------------------------------
    @property
    def built(self):
        return bool(getattr(self.inner_optimizer, "built", False))

    def __dir__(self):
        # The inner optimizer's attributes read through this wrapper (clipnorm, use_ema, ...), so list them.
        return sorted(set(super().__dir__()) | set(dir(self.inner_optimizer)))

    def __getattr__(self, name):
        if name == "inner_optimizer":  # not set yet (during unpickling)
            raise AttributeError(name)
        return getattr(self.inner_optimizer, name)

    def __setattr__(self, name, value):
        if name == "lr" and "inner_optimizer" in self.__dict__:
            setattr(self.inner_optimizer, name, value)
        else:
            object.__setattr__(self, name, value)

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        return {"name": self.name, "inner_optimizer": serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras import optimizers
        config = dict(config)
        config["inner_optimizer"] = optimizers.get(config["inner_optimizer"])
        return cls(**config)

    def __repr__(self):
        return (f"<LossScaleOptimizer scale={self.dynamic_scale:g} inner={type(self.inner_optimizer).__name__}>")
