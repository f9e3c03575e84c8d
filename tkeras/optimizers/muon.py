"""Muon (K. Jordan 2024; Liu et al. 2025, "Muon is Scalable for LLM Training") as Keras 3 computes it.

Muon is for 2-D weight matrices: the momentum of the gradient is orthogonalised (pushed towards U V^T
of its SVD by a few Newton-Schulz iterations of the quintic `a X + (b A + c A^2) X`, `A = X X^T`) and
that direction is the step, scaled by `sqrt(max(rows, cols)) * rms_rate` so the same learning rate and
weight decay as Adam fit (Moonlight's rule). Everything else (rank != 2, paths with "embedding" while
`exclude_embeddings`, paths matching a regex of `exclude_layers`) gets Keras' Adam step with
`lr * adam_lr_ratio` and `adam_weight_decay`.

Slots, in Keras' order per weight: `<name>_momentum` for all, `<name>_velocity` for the Adam ones.
"""
import re

import torch

from tkeras.optimizers import instance_attributes
from tkeras.optimizers.optimizer import Optimizer


class Muon(Optimizer):
    momentums = instance_attributes.momentums
    adam_velocities = instance_attributes.adam_velocities

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999, adam_weight_decay=0.004,
                 epsilon=1e-7, weight_decay=0.004, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None, exclude_embeddings=True,
                 muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315, adam_lr_ratio=1, momentum=0.95, ns_steps=5,
                 nesterov=True, rms_rate=0.2, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        if isinstance(exclude_layers, str):
            raise TypeError(f"Muon: `exclude_layers` must be a list of regular expressions, received the "
                            f"string {exclude_layers!r}; write exclude_layers=[{exclude_layers!r}]")
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def uses_adam(self, variable):
        """True when `variable` takes the Adam step rather than Muon's (Keras' rule)."""
        if variable.dim() != 2:
            return True
        path = str(getattr(variable, "path", None) or getattr(variable, "name", ""))
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def _build_slots(self, variables):
        self._add_slots(variables, ["momentum", "velocity"],
                        where=lambda name, variable: name == "momentum" or self.uses_adam(variable))

    def _decays(self, variable):
        return False  # two decay rates: applied in _update, per kind of step

    def _step_coefficients(self, lr, step):
        adam_lr = lr * self.adam_lr_ratio
        alpha = adam_lr * (1.0 - self.adam_beta_2 ** step) ** 0.5 / (1.0 - self.adam_beta_1 ** step)
        return lr, alpha

    def _update(self, group, grads, coefficients):
        lr, alpha = coefficients
        velocities = group.slots["velocity"]
        adam = [i for i, v in enumerate(velocities) if v is not None]
        muon = [i for i, v in enumerate(velocities) if v is None]
        self._weight_decay([group.params[i] for i in adam], self.adam_weight_decay, lr)
        self._weight_decay([group.params[i] for i in muon], self.weight_decay, lr)
        if adam:
            self._adam_step([group.params[i] for i in adam], [grads[i] for i in adam],
                            [group.slots["momentum"][i] for i in adam], [velocities[i] for i in adam], alpha)
        if muon:
            self._muon_step([group.params[i] for i in muon], [grads[i] for i in muon],
                            [group.slots["momentum"][i] for i in muon], lr)

    def _weight_decay(self, params, rate, lr):
        decayed = [p for p in params if not self._excluded_from_weight_decay(p)]
        if rate is not None and decayed:
            torch._foreach_mul_(decayed, 1.0 - lr * rate)

    def _adam_step(self, params, grads, momentums, velocities, alpha):
        torch._foreach_lerp_(momentums, grads, 1 - self.adam_beta_1)
        torch._foreach_mul_(velocities, self.adam_beta_2)
        torch._foreach_addcmul_(velocities, grads, grads, value=1 - self.adam_beta_2)
        denominators = torch._foreach_sqrt(velocities)
        torch._foreach_add_(denominators, self.epsilon)
        torch._foreach_addcdiv_(params, momentums, denominators, value=-alpha)

    def _muon_step(self, params, grads, momentums, lr):
        torch._foreach_mul_(momentums, self.momentum)
        torch._foreach_add_(momentums, grads)
        directions = torch._foreach_add(grads, momentums, alpha=self.momentum) if self.nesterov else momentums
        for param, direction in zip(params, directions):
            update = self.orthogonalize(direction)
            scale = lr
            if self.rms_rate is not None:
                scale = lr * max(update.shape[0], update.shape[1]) ** 0.5 * self.rms_rate
            param.sub_(update, alpha=scale)

    def orthogonalize(self, matrix):
        """Newton-Schulz iterations towards the orthogonal factor of `matrix` (its last two axes)."""
        return self.zeropower_via_newtonschulz5(matrix, self.ns_steps)

    # -- Keras 3's public helpers --------------------------------------------------------------------
    def transpose_last_axis(self, X):
        """`X` with its last two axes swapped."""
        return torch.as_tensor(X).transpose(-2, -1)

    def lr_adjust(self, x):
        """`x` (an update of a 2-D matrix) scaled by sqrt(max(rows, cols)) * rms_rate (Moonlight's rule, so
        Muon can share Adam's learning rate and weight decay); unchanged when rms_rate is None."""
        if self.rms_rate is None:
            return x
        return x * max(x.shape[0], x.shape[1]) ** 0.5 * self.rms_rate

    def zeropower_via_newtonschulz5(self, x, steps):
        """`steps` quintic Newton-Schulz iterations (coefficients muon_a/b/c) towards the orthogonal factor
        of `x` over its last two axes: an approximation of U V^T from its SVD."""
        x = torch.as_tensor(x)
        if x.dim() < 2:
            raise ValueError(f"Muon: expected a gradient or momentum of at least 2 dimensions, received "
                             f"shape {tuple(x.shape)}")
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = x.transpose(-2, -1)
        # Dividing by the Frobenius norm puts every singular value in [0, 1], where the iteration converges.
        x = x / (torch.linalg.matrix_norm(x, keepdim=True) + 1e-7)
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        for _ in range(int(steps)):
            gram = x @ x.transpose(-2, -1)
            x = a * x + (b * gram + c * gram @ gram) @ x
        return x.transpose(-2, -1) if tall else x

    def get_config(self):
        return {**super().get_config(), "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
                "epsilon": self.epsilon, "exclude_layers": self.exclude_layers, "muon_a": self.muon_a,
                "muon_b": self.muon_b, "muon_c": self.muon_c, "adam_lr_ratio": self.adam_lr_ratio,
                "momentum": self.momentum, "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings, "adam_weight_decay": self.adam_weight_decay,
                "rms_rate": self.rms_rate}
