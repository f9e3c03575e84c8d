"""FTRL-Proximal (McMahan et al. 2013, "Ad Click Prediction") as Keras 3 computes it.

Unlike the other optimizers FTRL does not move the weight by a step: it keeps a "linear" sum `z` of
the gradients (less a correction for the rate changing) and an accumulator `n` of squared gradients,
and sets the weight in closed form each update, exactly 0 while `|z|` stays under the L1 strength:
`w = (clip(z, -l1, l1) - z) / (n**-p / lr + 2 * (l2 + beta / (2 lr)))`, with `p = learning_rate_power`.
The shrinkage L2 term adds `2 * l2_shrinkage * w` to the gradient that enters `z` (not to `n`).
"""
import torch

from tkeras.optimizers.optimizer import Optimizer


class Ftrl(Optimizer):
    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        for argument, value, rule in (
                ("initial_accumulator_value", initial_accumulator_value, "positive or zero"),
                ("l1_regularization_strength", l1_regularization_strength, "positive or zero"),
                ("l2_regularization_strength", l2_regularization_strength, "positive or zero"),
                ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength, "positive or zero"),
                ("learning_rate_power", -learning_rate_power, "negative or zero")):
            if value < 0.0:
                shown = -value if argument == "learning_rate_power" else value
                raise ValueError(f"Ftrl: `{argument}` must be {rule}; received {argument}={shown}")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _build_slots(self, variables):
        # Keras' order per weight: accumulator (starting at initial_accumulator_value), then linear.
        for name in ("accumulator", "linear"):
            self._slots.setdefault(name, [])
        for reference in variables:
            self._add_slots([reference], ["accumulator"], initial_value=self.initial_accumulator_value)
            self._add_slots([reference], ["linear"])

    def _update(self, group, grads, lr):
        params = group.params
        accumulators, linears = group.slots["accumulator"], group.slots["linear"]
        power = -self.learning_rate_power
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        shrinkage = self.l2_shrinkage_regularization_strength
        if shrinkage:
            effective = torch._foreach_add(grads, params, alpha=2.0 * shrinkage)
        else:
            effective = grads
        new_accumulators = torch._foreach_addcmul(accumulators, grads, grads)
        new_powers = torch._foreach_pow(new_accumulators, power)
        # sigma * w, with sigma = (n_new**-p - n_old**-p) / lr
        sigma_w = torch._foreach_sub(new_powers, torch._foreach_pow(accumulators, power))
        torch._foreach_mul_(sigma_w, params)
        torch._foreach_add_(linears, effective)
        torch._foreach_sub_(linears, sigma_w, alpha=1.0 / lr)
        quadratic = torch._foreach_div(new_powers, lr)
        torch._foreach_add_(quadratic, 2.0 * l2)
        l1 = self.l1_regularization_strength
        clipped = torch._foreach_clamp_min(linears, -l1)
        torch._foreach_clamp_max_(clipped, l1)
        torch._foreach_sub_(clipped, linears)
        torch._foreach_div_(clipped, quadratic)
        torch._foreach_copy_(params, clipped)
        torch._foreach_copy_(accumulators, new_accumulators)

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
