"""Learning-rate schedules: `schedule(step)` gives the rate for an optimizer step, as in Keras.

Each built-in schedule keeps its formula in `_rate(step)`, plain Python arithmetic on one float step.
The optimizer calls that directly once per update with its (CPU-side) step count, so a schedule costs
a few hundred nanoseconds per step and never reads anything back from an accelerator. `__call__`
is the public Keras face: it accepts an int, a 0-dim tensor or Variable (Keras passes
`optimizer.iterations`) or an array of steps (to plot a schedule), and answers with a float32 tensor
of the same shape, as Keras' schedules do.
"""
import math

import numpy as np
import torch


class LearningRateSchedule:
    """Base class: subclasses define `__call__(step)` (or `_rate(step)`) and `get_config()`."""

    def __call__(self, step):
        rate = getattr(type(self), "_rate", None)
        if rate is None or rate is LearningRateSchedule._rate:
            raise NotImplementedError(
                f"Learning rate schedule {type(self).__name__!r} must override `__call__(self, step)`.")
        return _evaluate(self._rate, step)

    def _rate(self, step):
        raise NotImplementedError

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule {type(self).__name__!r} must override `get_config()` to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _evaluate(rate, step):
    """Apply the scalar formula `rate` to `step` (a number, 0-dim tensor/Variable, or array of steps)."""
    from tkeras.backend.eager_tensor import wrap
    if isinstance(step, torch.Tensor):
        steps = step.detach().cpu().double().numpy()
    else:
        steps = np.asarray(step, dtype=np.float64)
    if steps.ndim == 0:
        return wrap(torch.tensor(rate(float(steps)), dtype=torch.float32))
    values = np.array([rate(float(s)) for s in steps.ravel()], dtype=np.float32).reshape(steps.shape)
    return wrap(torch.from_numpy(values))


def _positive(name, who, value):
    if value is None or value <= 0:
        raise ValueError(f"{who}: `{name}` must be > 0, received {name}={value!r}")
    return value


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`, the exponent floored when `staircase`."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("decay_steps", "ExponentialDecay", decay_steps)
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def _rate(self, step):
        exponent = step / self.decay_steps
        if self.staircase:
            exponent = math.floor(exponent)
        return self.initial_learning_rate * self.decay_rate ** exponent

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[i]` while `boundaries[i-1] < step <= boundaries[i]` (a boundary step keeps the earlier value)."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"PiecewiseConstantDecay: `boundaries` must have one entry fewer than `values`; received "
                f"{len(boundaries)} boundaries {list(boundaries)} and {len(values)} values {list(values)}")
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def _rate(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From `initial_learning_rate` to `end_learning_rate` along `(1 - step/decay_steps) ** power`;
    with `cycle` the horizon stretches to the next multiple of `decay_steps` instead of stopping."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("decay_steps", "PolynomialDecay", decay_steps)
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def _rate(self, step):
        horizon = float(self.decay_steps)
        if self.cycle:
            horizon *= 1.0 if step == 0 else math.ceil(step / self.decay_steps)
        else:
            step = min(step, horizon)
        fraction = step / horizon
        span = self.initial_learning_rate - self.end_learning_rate
        return span * (1.0 - fraction) ** self.power + self.end_learning_rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)` (the ratio floored when `staircase`)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("decay_steps", "InverseTimeDecay", decay_steps)
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def _rate(self, step):
        ratio = step / self.decay_steps
        if self.staircase:
            ratio = math.floor(ratio)
        return self.initial_learning_rate / (1.0 + self.decay_rate * ratio)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Half a cosine from the peak rate down to `alpha * peak` over `decay_steps`, after an optional
    linear warmup from `initial_learning_rate` to `warmup_target` (the peak, when given)."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive("decay_steps", "CosineDecay", decay_steps)
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _cosine(self, step, peak):
        fraction = step / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * fraction))
        return peak * ((1.0 - self.alpha) * cosine + self.alpha)

    def _rate(self, step):
        if self.warmup_target is None:
            return self._cosine(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            rise = self.warmup_target - self.initial_learning_rate
            return rise * (step / self.warmup_steps) + self.initial_learning_rate
        return self._cosine(step - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay that restarts (SGDR): period `i` lasts `first_decay_steps * t_mul**i` steps and
    peaks at `initial_learning_rate * m_mul**i`."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = _positive("first_decay_steps", "CosineDecayRestarts", first_decay_steps)
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def _rate(self, step):
        fraction = step / self.first_decay_steps
        if self._t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            restart = math.floor(math.log(1.0 - fraction * (1.0 - self._t_mul)) / math.log(self._t_mul))
            elapsed = (1.0 - self._t_mul ** restart) / (1.0 - self._t_mul)
            fraction = (fraction - elapsed) / self._t_mul ** restart
        cosine = 0.5 * self._m_mul ** restart * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}
