"""Adam and AdamW with Keras' formula: epsilon is added to sqrt(v) *before* bias correction.

Keras: `alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)`, `var -= alpha * m / (sqrt(v) + eps)`.
torch.optim.Adam instead divides by `sqrt(v) / sqrt(1 - beta_2^t) + eps`. Both are the same update
once torch's epsilon is scaled by `1 / sqrt(1 - beta_2^t)` for the step, which lets the fused CPU
kernel compute Keras' maths exactly (up to float rounding) in one pass over memory. Elsewhere the
update runs as foreach calls. AdamW is Adam with decoupled weight decay on by default (0.004).
"""
import numpy as np
import torch

from tkeras.optimizers.optimizer import Optimizer

_ONE = np.float32(1.0)


class Adam(Optimizer):
    adaptive_epsilon = False  # tf-keras 2's flag, off by default there; tkeras has no adaptive epsilon

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = bool(amsgrad)
        self._step_tensor = None  # the fused kernel reads the step count from a tensor

    def _build_slots(self, variables):
        self._add_slots(variables, ["momentum", "velocity"])
        if self.amsgrad:
            self._add_slots(variables, ["velocity_hat"])

    def _step_coefficients(self, lr, step):
        # Keras raises the betas, cast to the variable's dtype, to the power of the step in that dtype.
        # In float32, 0.999 is 0.99900001..., so the first steps are ~6e-6 shorter than the exact bias
        # correction would make them, and printed weights differ from the sixth digit on. torch's fused
        # kernel corrects with exact powers; the learning rate handed to it undoes the difference.
        exact_correction_1 = 1.0 - self.beta_1 ** step
        exact_root_correction_2 = (1.0 - self.beta_2 ** step) ** 0.5
        float32_alpha_over_lr = (float(_ONE - np.float32(self.beta_2) ** np.float32(step)) ** 0.5
                                 / float(_ONE - np.float32(self.beta_1) ** np.float32(step)))
        alpha_over_lr = {torch.float64: exact_root_correction_2 / exact_correction_1, None: float32_alpha_over_lr}
        return lr, step, alpha_over_lr, exact_correction_1, exact_root_correction_2

    def _update(self, group, grads, coefficients):
        lr, step, alpha_over_lr, exact_correction_1, root_correction_2 = coefficients
        params = group.params
        alpha_over_lr = alpha_over_lr.get(params[0].dtype, alpha_over_lr[None])
        momentums, velocities = group.slots["momentum"], group.slots["velocity"]
        if params[0].device.type == "cpu" and params[0].dtype in (torch.float32, torch.float64) and group.dense:
            # The fused kernel walks raw memory, so every tensor it is given must share one layout.
            fused_lr = lr * alpha_over_lr * exact_correction_1 / root_correction_2
            self._fused_update(group, group.laid_out_as_params(grads), fused_lr, step, root_correction_2)
            return
        torch._foreach_lerp_(momentums, grads, 1 - self.beta_1)
        torch._foreach_mul_(velocities, self.beta_2)
        torch._foreach_addcmul_(velocities, grads, grads, value=1 - self.beta_2)
        if self.amsgrad:
            velocity_hats = group.slots["velocity_hat"]
            torch._foreach_maximum_(velocity_hats, velocities)
            velocities = velocity_hats
        denominators = torch._foreach_sqrt(velocities)
        torch._foreach_add_(denominators, self.epsilon)
        torch._foreach_addcdiv_(params, momentums, denominators, value=-lr * alpha_over_lr)

    def _fused_update(self, group, grads, lr, step, root_correction_2):
        if self._step_tensor is None:
            self._step_tensor = torch.zeros((), dtype=torch.float32)
        self._step_tensor.fill_(step)
        params = group.params
        torch._fused_adam_(
            params, grads, group.slots["momentum"], group.slots["velocity"],
            group.slots["velocity_hat"] if self.amsgrad else [], [self._step_tensor] * len(params),
            lr=lr, beta1=self.beta_1, beta2=self.beta_2, weight_decay=0.0,
            eps=self.epsilon / root_correction_2, amsgrad=self.amsgrad, maximize=False)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class AdamW(Adam):
    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: `weight_decay` must be a float (default 0.004), received None; "
                             "use Adam for no weight decay")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency, loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
