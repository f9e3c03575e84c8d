"""RMSprop as Keras computes it: epsilon inside the square root, momentum on the scaled step.

`v = rho * v + (1 - rho) * g^2`; centered also tracks `a = rho * a + (1 - rho) * g` and divides by
`sqrt(v - a^2 + eps)` instead of `sqrt(v + eps)`; with momentum `m = momentum * m + lr * g / denom`
and `var -= m`. torch.optim.RMSprop puts epsilon outside the root, which changes early steps.

The plain case (no momentum, not centered, on the CPU) borrows torch's fused Adam kernel, which walks
memory once where the foreach calls walk it five times. With beta_1 = 0 its first moment is the
gradient itself, and with a step count so large that `rho ** step` is 0 its bias corrections are 1,
so it computes `u = rho * u + (1 - rho) * g^2; var -= lr * g / sqrt(u)`. Handed `u = v + eps / rho`
it leaves `u = v' + eps`, the root Keras takes. Rather than subtract eps now and add eps / rho again
before the next update (two passes over every velocity, ~100 us of the MNIST MLP's 1.3 ms step), one
addition of `eps / rho - eps` leaves the velocities ready for the next update: between updates they
hold Keras' `v` plus the constant eps / rho (1.1e-7 with the defaults). `_settle` takes it off before
anyone outside the updates reads or writes them (`variables`, `get_weights`, saving, loading, a new
plan), so what is saved, compared or restored is Keras' velocity; the values differ from subtracting
right away only in the last bit. This serves the fit loop and custom loops (`apply_gradients`) alike.
"""
import torch

from tkeras.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = bool(centered)
        self._huge_step = None  # the fused kernel reads the step count from a tensor
        self._offset_velocities = []  # (velocity list, offset) pairs now holding v + offset (_fused_update)

    def _build_slots(self, variables):
        # Keras 3 order: all velocities, then all momentums, then all average gradients.
        self._add_slots(variables, ["velocity"])
        if self.momentum > 0:
            self._add_slots(variables, ["momentum"])
        if self.centered:
            self._add_slots(variables, ["average_gradient"])

    def _update(self, group, grads, lr):
        if self._fusable(group):
            self._fused_update(group, group.laid_out_as_params(grads), group.slots["velocity"], lr)
            return
        self._settle()
        denominators = self._second_moments(group, grads, self.epsilon)
        # Multiply by 1/sqrt instead of dividing by sqrt: this torch's CPU sqrt costs twice its
        # rsqrt (124 us against 63 us over an MNIST kernel's 401,408 entries), and both are
        # correctly rounded to within an ulp, so the step differs from Keras' in the last bit only.
        torch._foreach_rsqrt_(denominators)
        inverse_roots = denominators
        if self.momentum > 0:
            momentums = group.slots["momentum"]
            torch._foreach_mul_(momentums, self.momentum)
            torch._foreach_addcmul_(momentums, grads, inverse_roots, value=lr)
            torch._foreach_sub_(group.params, momentums)
        else:
            torch._foreach_addcmul_(group.params, grads, inverse_roots, value=-lr)

    def _second_moments(self, group, grads, epsilon):
        """Update the moving averages and return `v + epsilon` (centered: `v - a^2 + epsilon`) per variable,
        written into the group's scratch tensors (in place every step: no fresh tensors)."""
        rho = self.rho
        velocities = group.slots["velocity"]
        torch._foreach_mul_(velocities, rho)
        torch._foreach_addcmul_(velocities, grads, grads, value=1 - rho)
        denominators = group.scratch()
        if self.centered:
            averages = group.slots["average_gradient"]
            torch._foreach_mul_(averages, rho)
            torch._foreach_add_(averages, grads, alpha=1 - rho)
            for velocity, average, denominator in zip(velocities, averages, denominators):
                torch.addcmul(velocity, average, average, value=-1, out=denominator)
            if epsilon:
                torch._foreach_add_(denominators, epsilon)
        else:
            for velocity, denominator in zip(velocities, denominators):
                torch.add(velocity, epsilon, out=denominator)
        return denominators

    def _fusable(self, group):
        params = group.params
        # The kernel's bias correction `1 - rho ** step` (in double precision) must be exactly 1: true
        # for every rho below 1 - 4e-8; closer to 1 the update would be scaled.
        return (0 < self.rho < 1 and 1.0 - self.rho ** 1e9 == 1.0 and self.momentum == 0 and not self.centered
                and params[0].device.type == "cpu" and params[0].dtype in (torch.float32, torch.float64)
                and group.dense)

    def _fused_update(self, group, grads, velocities, lr):
        if self._huge_step is None:
            self._huge_step = torch.tensor(1e9)  # exact in float32
        # The kernel's first moment becomes `0 * m + g`. The fit loop's own gradients serve as m (the
        # same values written back: one buffer less to stream). A caller's gradients stay untouched
        # (an inf would come back NaN), and m is the group's kept buffer: zeros at first, and NaN
        # later only where a non-finite gradient already made the weight NaN, as in Keras.
        moments = grads if self._grads_owned else group.scratch()
        offset = self.epsilon / self.rho
        held = next((entry for entry in self._offset_velocities if entry[0] is velocities), None)
        if held is not None and held[1] != offset:  # epsilon or rho changed since: back to Keras' v first
            self._settle()
            held = None
        if held is None:
            mine = {id(v) for v in velocities}
            if any(id(v) in mine for entry in self._offset_velocities for v in entry[0]):
                self._settle()  # another plan's list (other variables updated) holds some of these
            # (a disjoint group's velocities keep their offset)
            torch._foreach_add_(velocities, offset)
            self._offset_velocities.append((velocities, offset))
        torch._fused_adam_(group.params, grads, moments, velocities, [], [self._huge_step] * len(grads), lr=lr,
                           beta1=0.0, beta2=self.rho, weight_decay=0.0, eps=0.0, amsgrad=False, maximize=False)
        torch._foreach_add_(velocities, offset - self.epsilon)  # v' + eps -> v' + eps / rho

    def _settle(self):
        held, self._offset_velocities = self._offset_velocities, []
        with torch.no_grad():
            for velocities, offset in held:
                torch._foreach_sub_(velocities, offset)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}
