"""Adafactor (Shazeer & Stern 2018) as Keras 3 computes it.

Memory is the point: for a weight of rank >= 2 the second-moment estimate is kept as two factors, a
row mean `r` (the last axis averaged away) and a column mean `c` (the second last averaged away), and
rebuilt as `r / mean(r) ⊗ c` when needed. The step size is relative to the weight's own RMS:
`alpha = max(epsilon_2, rms(var)) * min(lr, 1 / sqrt(t))`, with decay `beta_2(t) = 1 - t**beta_2_decay`
(0 on the first step, so the first estimate is the squared gradient itself). The normalised update
`g / sqrt(v)` is shrunk to RMS at most `clip_threshold`.

Keras keeps, per weight, `r` and `c` named like the weight (two scalar placeholders for weights of
rank < 2) and a full-size `<name>_velocity`; the same variables here keep saved files interchangeable.
"""
import torch

from tkeras.optimizers.optimizer import Optimizer, _stem


class Adafactor(Optimizer):
    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
                 relative_step=True, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def _build_slots(self, variables):
        for name in ("row", "column", "velocity"):
            self._slots.setdefault(name, [])
        for reference in variables:
            stem = _stem(reference)
            like = reference.detach()
            if like.dim() < 2:  # Keras' placeholders: nothing to factor
                row = like.new_zeros(())
                column = like.new_zeros(())
            else:
                row = like.new_zeros(like.shape[:-1])
                column = like.new_zeros(like.shape[:-2] + like.shape[-1:])
            self._slots["row"].append(self._new_state(row, stem))
            self._slots["column"].append(self._new_state(column, stem))
            self._slots["velocity"].append(self._new_state(torch.zeros_like(like), f"{stem}_velocity"))

    def _step_coefficients(self, lr, step):
        # Keras caps the rate at 1/sqrt(t) in any case (relative_step only repeats the same cap).
        rho = min(lr, step ** -0.5)
        beta_2 = 1.0 - float(step) ** self.beta_2_decay
        return rho, beta_2

    def _update(self, group, grads, coefficients):
        rho, beta_2 = coefficients
        params = group.params
        # alpha per weight: its RMS (floored at epsilon_2) times rho, taken before this step moves it.
        alphas = _rms_each(params)
        torch._foreach_clamp_min_(alphas, self.epsilon_2)
        torch._foreach_mul_(alphas, rho)
        regulated = torch._foreach_mul(grads, grads)
        torch._foreach_add_(regulated, self.epsilon_1)
        rows, columns, velocities = group.slots["row"], group.slots["column"], group.slots["velocity"]
        flat = [i for i, p in enumerate(params) if p.dim() < 2]
        if flat:
            torch._foreach_lerp_([velocities[i] for i in flat], [regulated[i] for i in flat], 1.0 - beta_2)
        for i, p in enumerate(params):
            if p.dim() < 2:
                continue
            rows[i].lerp_(regulated[i].mean(dim=-1), 1.0 - beta_2)
            columns[i].lerp_(regulated[i].mean(dim=-2), 1.0 - beta_2)
            row_share = rows[i] / rows[i].mean(dim=-1, keepdim=True)
            torch.mul(row_share.unsqueeze(-1), columns[i].unsqueeze(-2), out=velocities[i])
        updates = torch._foreach_sqrt(velocities)
        torch._foreach_reciprocal_(updates)
        torch._foreach_mul_(updates, grads)
        # Shrink each update to RMS <= clip_threshold: divide by max(1, rms / clip_threshold).
        shrink = _rms_each(updates)
        torch._foreach_div_(shrink, self.clip_threshold)
        torch._foreach_clamp_min_(shrink, 1.0)
        torch._foreach_div_(alphas, shrink)
        torch._foreach_mul_(updates, alphas)
        torch._foreach_sub_(params, updates)

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step}


def _rms_each(tensors):
    """sqrt(mean(x**2)) of each tensor, as 0-d tensors on its device (no host read)."""
    norms = torch._foreach_norm(tensors)
    return [n / (t.numel() ** 0.5) for n, t in zip(norms, tensors)]
