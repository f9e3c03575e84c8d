"""SGD with Keras' momentum formulation: the momentum holds a step in parameter units.

Keras (unlike torch.optim.SGD) folds the learning rate into the momentum, `m = momentum * m - lr * g`,
then `var += m` (or, with Nesterov, `var += momentum * m - lr * g`). The two agree for a constant
rate but not once the rate changes mid-training, so Keras' form is kept.
"""
import torch

from tkeras.optimizers import instance_attributes
from tkeras.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    momentums = instance_attributes.momentums

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        if not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError(f"SGD: `momentum` must be a float in [0, 1], received momentum={momentum!r}")
        self.momentum = momentum
        self.nesterov = bool(nesterov)

    def _build_slots(self, variables):
        if self.momentum != 0:
            self._add_slots(variables, ["momentum"])

    def _update(self, group, grads, lr):
        params = group.params
        if self.momentum == 0 or "momentum" not in group.slots:
            torch._foreach_add_(params, grads, alpha=-lr)
            return
        momentums = group.slots["momentum"]
        torch._foreach_mul_(momentums, self.momentum)
        torch._foreach_add_(momentums, grads, alpha=-lr)
        if self.nesterov:
            torch._foreach_add_(params, momentums, alpha=self.momentum)
            torch._foreach_add_(params, grads, alpha=-lr)
        else:
            torch._foreach_add_(params, momentums)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
