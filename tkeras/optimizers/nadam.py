"""Nadam as Keras computes it: Adam with Nesterov momentum and Dozat's momentum schedule
`u_t = beta_1 * (1 - 0.5 * 0.96^t)`, whose running product is optimizer state (saved after the slots)."""
import torch

from tkeras.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
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
        self._u_product = None

    def _build_slots(self, variables):
        self._add_slots(variables, ["momentum", "velocity"])
        if self._u_product is None:
            dtype = variables[0].dtype if variables else None
            self._u_product = self._add_state("u_product", 1.0, dtype=dtype or torch.float32)

    def _step_coefficients(self, lr, step):
        beta_1 = self.beta_1
        u_t = beta_1 * (1.0 - 0.5 * 0.96 ** step)
        u_next = beta_1 * (1.0 - 0.5 * 0.96 ** (step + 1))
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
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
