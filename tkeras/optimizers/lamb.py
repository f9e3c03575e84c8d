"""LAMB (You et al. 2019, "Large Batch Optimization for Deep Learning") as Keras 3 computes it.

Adam's bias-corrected direction `u = m_hat / (sqrt(v_hat) + eps)`, rescaled per weight tensor by the
trust ratio `||w|| / ||u||` (1 when either norm is 0), so each layer moves by `lr` relative to its own
size: the point of LAMB for very large batches. Unlike Keras' Adam, epsilon is added after the
bias correction of `v`. Same slots as Adam (`momentum`, `velocity`).
"""
import torch

from tkeras.optimizers.optimizer import Optimizer


class Lamb(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _build_slots(self, variables):
        self._add_slots(variables, ["momentum", "velocity"])

    def _step_coefficients(self, lr, step):
        return lr, 1.0 - self.beta_1 ** step, 1.0 - self.beta_2 ** step

    def _update(self, group, grads, coefficients):
        lr, correction_1, correction_2 = coefficients
        params = group.params
        momentums, velocities = group.slots["momentum"], group.slots["velocity"]
        torch._foreach_lerp_(momentums, grads, 1 - self.beta_1)
        torch._foreach_mul_(velocities, self.beta_2)
        torch._foreach_addcmul_(velocities, grads, grads, value=1 - self.beta_2)
        denominators = torch._foreach_div(velocities, correction_2)
        torch._foreach_sqrt_(denominators)
        torch._foreach_add_(denominators, self.epsilon)
        updates = torch._foreach_div(momentums, denominators)
        torch._foreach_div_(updates, correction_1)
        weight_norms = torch.stack(torch._foreach_norm(params))
        update_norms = torch.stack(torch._foreach_norm(updates))
        trusted = (weight_norms > 0) & (update_norms > 0)
        ratios = torch.where(trusted, weight_norms / update_norms, torch.ones_like(weight_norms))
        torch._foreach_mul_(updates, ratios.mul_(-lr).unbind())
        torch._foreach_add_(params, updates)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
