"""Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms") as Keras 3 computes it.

The step is the sign of an interpolation between the momentum and the gradient, so every weight
moves by exactly `lr` (Lion wants a rate 3-10x smaller than Adam's); the momentum is then updated
with the second coefficient: `var -= lr * sign(beta_1 * m + (1 - beta_1) * g)`,
`m = beta_2 * m + (1 - beta_2) * g`. One slot per weight (`momentum`), half of Adam's memory.
"""
import torch

from tkeras.optimizers import instance_attributes
from tkeras.optimizers.optimizer import Optimizer


class Lion(Optimizer):
    momentums = instance_attributes.momentums

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(f"Lion: `beta_1` must be in (0, 1]; received beta_1={beta_1!r} "
                             f"(with beta_1=0 the step would ignore the momentum entirely)")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _build_slots(self, variables):
        self._add_slots(variables, ["momentum"])

    def _update(self, group, grads, lr):
        momentums = group.slots["momentum"]
        directions = torch._foreach_lerp(momentums, grads, 1 - self.beta_1)
        torch._foreach_sign_(directions)
        torch._foreach_add_(group.params, directions, alpha=-lr)
        torch._foreach_lerp_(momentums, grads, 1 - self.beta_2)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
