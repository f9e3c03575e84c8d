"""Schedule-Free AdamW (Defazio et al. 2024, "The Road Less Scheduled") as Keras 3 computes it.

No learning-rate schedule is needed because the weights are an interpolation of two sequences: `z`
(the `momentum` slot, which takes plain Adam-normalised gradient steps and starts as a copy of the
weight) and `x`, the running uniform average of the z's. Keras stores only z and the weight y, and
recovers x from them: `x = (y - (1 - beta_1) z_old) / beta_1`, then `x' = (1 - 1/t) x + z / t`,
`y' = (1 - beta_1) z + beta_1 x'`. `warmup_steps` ramps the rate linearly over the first steps.
"""
import torch

from tkeras.optimizers.optimizer import Optimizer


class ScheduleFreeAdamW(Optimizer):
    default_name = "schedule_free_adam_w"

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(f"ScheduleFreeAdamW: `beta_1` must be in (0, 1] (x is recovered by dividing by it); "
                             f"received beta_1={beta_1!r}")
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def _build_slots(self, variables):
        # z starts at the weight itself (copied when the optimizer is built).
        for name in ("momentum", "velocity"):
            self._slots.setdefault(name, [])
        for reference in variables:
            self._add_slots([reference], ["momentum"], initial_value="copy")
            self._add_slots([reference], ["velocity"])

    def _step_coefficients(self, lr, step):
        if self.warmup_steps > 0:
            lr = lr * min(step / self.warmup_steps, 1.0)
        return lr, step, 1.0 - self.beta_2 ** step

    def _update(self, group, grads, coefficients):
        lr, step, correction_2 = coefficients
        params = group.params
        beta_1 = self.beta_1
        z, velocities = group.slots["momentum"], group.slots["velocity"]
        # x_old, from the weight y and z before this step
        x = torch._foreach_sub(params, z, alpha=1 - beta_1)
        torch._foreach_div_(x, beta_1)
        torch._foreach_lerp_(velocities, torch._foreach_mul(grads, grads), 1 - self.beta_2)
        denominators = torch._foreach_div(velocities, correction_2)
        torch._foreach_sqrt_(denominators)
        torch._foreach_add_(denominators, self.epsilon)
        torch._foreach_addcdiv_(z, grads, denominators, value=-lr)
        torch._foreach_lerp_(x, z, 1.0 / step)
        # y = (1 - beta_1) z + beta_1 x
        torch._foreach_mul_(x, beta_1)
        torch._foreach_add_(x, z, alpha=1 - beta_1)
        torch._foreach_copy_(params, x)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps}
