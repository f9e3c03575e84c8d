"""Nadam as Keras computes it: Adam with Nesterov momentum and Dozat's momentum schedule
`u_t = beta_1 * (1 - 0.5 * 0.96^t)`, whose running product is optimizer state (saved after the slots).

Keras 1/2 slowed the schedule down: `u_t = beta_1 * (1 - 0.5 * 0.96^(schedule_decay * t))` with
`schedule_decay=0.004` by default, so its momentum stays near `beta_1 / 2` for thousands of steps where
Keras 3's reaches `beta_1` within a hundred. Code that passes `schedule_decay` (or a Keras 1/2 config
that holds it) gets the Keras 1/2 schedule; otherwise Keras 3's, which is the same formula with 1.
tf.keras 2's Nadam wrote its schedule_decay into its config as `decay` (and never decayed the learning
rate), so `decay` here means schedule_decay too, not the inverse-time decay it means elsewhere.
"""
import numbers

import torch

from tkeras.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, schedule_decay=None, **kwargs):
        schedule_decay = _schedule_decay(schedule_decay, kwargs.pop("decay", None))
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay  # None: Keras 3's schedule
        self._u_product = None

    def _build_slots(self, variables):
        self._add_slots(variables, ["momentum", "velocity"])
        if self._u_product is None:
            dtype = variables[0].dtype if variables else None
            self._u_product = self._add_state("u_product", 1.0, dtype=dtype or torch.float32)

    def _step_coefficients(self, lr, step):
        beta_1 = self.beta_1
        scale = 1.0 if self.schedule_decay is None else self.schedule_decay
        u_t = beta_1 * (1.0 - 0.5 * 0.96 ** (scale * step))
        u_next = beta_1 * (1.0 - 0.5 * 0.96 ** (scale * (step + 1)))
        u_product = self._u_product.item() * u_t
        self._u_product.fill_(u_product)
        u_product_next = u_product * u_next
        inverse_root_correction = 1.0 / (1.0 - self.beta_2 ** step) ** 0.5
        # var -= lr * (c_m * m + c_g * g) / (sqrt(v) / sqrt(1 - beta_2^t) + eps)
        return (inverse_root_correction, -lr * u_next / (1.0 - u_product_next), -lr * (1.0 - u_t) / (1.0 - u_product))

    def _update(self, group, grads, coefficients):
        inverse_root_correction, momentum_scale, grad_scale = coefficients
        momentums, velocities = group.slots["momentum"], group.slots["velocity"]
        torch._foreach_lerp_(momentums, grads, 1 - self.beta_1)
        torch._foreach_mul_(velocities, self.beta_2)
        torch._foreach_addcmul_(velocities, grads, grads, value=1 - self.beta_2)
        denominators = torch._foreach_sqrt(velocities)
        torch._foreach_mul_(denominators, inverse_root_correction)
        torch._foreach_add_(denominators, self.epsilon)
        torch._foreach_addcdiv_(group.params, momentums, denominators, value=momentum_scale)
        torch._foreach_addcdiv_(group.params, grads, denominators, value=grad_scale)

    def get_config(self):
        config = {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
        if self.schedule_decay is not None:
            config["schedule_decay"] = self.schedule_decay
        return config


def _schedule_decay(schedule_decay, decay):
    """The Keras 1/2 schedule_decay asked for, from either spelling; None when neither was given."""
    for name, value in (("schedule_decay", schedule_decay), ("decay", decay)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0):
            raise ValueError(f"Nadam: `{name}` (the momentum schedule's decay) must be a number >= 0, as Keras "
                             f"1/2's 0.004; received {name}={value!r}")
    if decay is not None and schedule_decay is not None and float(decay) != float(schedule_decay):
        raise ValueError(
            f"Nadam: `decay` is tf.keras 2's name for `schedule_decay` (the momentum schedule, not a "
            f"learning-rate decay); received both, decay={decay!r} and schedule_decay={schedule_decay!r}")
    value = schedule_decay if schedule_decay is not None else decay
    return None if value is None else float(value)
