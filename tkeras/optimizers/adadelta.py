"""Adadelta as Keras computes it (with a learning rate, default 0.001, scaling the Adadelta step).

`acc_g = rho * acc_g + (1 - rho) * g^2`, `delta = sqrt(acc_d + eps) / sqrt(acc_g + eps) * g`,
`acc_d = rho * acc_d + (1 - rho) * delta^2`, `var -= lr * delta`.
"""
import torch

from tkeras.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _build_slots(self, variables):
        self._add_slots(variables, ["accumulated_grad", "accumulated_delta_var"])

    def _update(self, group, grads, lr):
        rho, eps = self.rho, self.epsilon
        accumulated_grads = group.slots["accumulated_grad"]
        accumulated_deltas = group.slots["accumulated_delta_var"]
        torch._foreach_mul_(accumulated_grads, rho)
        torch._foreach_addcmul_(accumulated_grads, grads, grads, value=1 - rho)
        deltas = torch._foreach_add(accumulated_deltas, eps)
        torch._foreach_sqrt_(deltas)
        grad_rms = torch._foreach_add(accumulated_grads, eps)
        torch._foreach_sqrt_(grad_rms)
        torch._foreach_div_(deltas, grad_rms)
        torch._foreach_mul_(deltas, grads)
        torch._foreach_mul_(accumulated_deltas, rho)
        torch._foreach_addcmul_(accumulated_deltas, deltas, deltas, value=1 - rho)
        torch._foreach_add_(group.params, deltas, alpha=-lr)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
