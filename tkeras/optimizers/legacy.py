"""`keras.optimizers.legacy`: tf-keras 2's OptimizerV2 classes (TF 2.11-2.15 kept them here for code that
wanted the old behaviour). They are `keras.optimizers`' classes, except two whose OptimizerV2 arithmetic
differs: RMSprop without momentum divides by `sqrt(v) + epsilon` where the current one divides by
`sqrt(v + epsilon)` (with epsilon 1e-7 the steps differ wherever `v` is not far above epsilon, gradients
of about 1e-3 and below), and Nadam slows its momentum schedule by a default schedule_decay of 0.004."""
import torch

from tkeras import optimizers as _optimizers
from tkeras.optimizers.nadam import Nadam as _Nadam
from tkeras.optimizers.rmsprop import RMSprop as _RMSprop


class RMSprop(_RMSprop):
    """With momentum, OptimizerV2 ran TensorFlow's fused kernels, which take the root of `v + epsilon` (or
    of `v - a^2 + epsilon` when centered) as the current RMSprop does; only the plain and centered updates
    without momentum add epsilon after the root."""

    def _fusable(self, group):
        return False  # the shared fused path leaves epsilon under the root

    def _update(self, group, grads, lr):
        if self.momentum > 0:
            super()._update(group, grads, lr)
            return
        denominators = self._second_moments(group, grads, epsilon=0.0)  # epsilon goes after the root here
        torch._foreach_sqrt_(denominators)
        torch._foreach_add_(denominators, self.epsilon)
        torch._foreach_addcdiv_(group.params, grads, denominators, value=-lr)


class Nadam(_Nadam):
    """`u_t = beta_1 * (1 - 0.5 * 0.96^(0.004 * t))` unless told otherwise: OptimizerV2 took its `decay`
    argument (default 0.004) as the schedule's decay, so its momentum stays near `beta_1 / 2` for thousands
    of steps, where the current Nadam (`0.96^t`) reaches `beta_1` within a hundred."""

    def __init__(self, *args, schedule_decay=None, **kwargs):
        if schedule_decay is None and kwargs.get("decay") is None:
            kwargs.pop("decay", None)
            schedule_decay = 0.004
        super().__init__(*args, schedule_decay=schedule_decay, **kwargs)


def __getattr__(name):
    return getattr(_optimizers, name)


def __dir__():
    return sorted(set(dir(_optimizers)) | {"Nadam", "RMSprop"})
