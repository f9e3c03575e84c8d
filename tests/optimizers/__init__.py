"""Helpers shared by the optimizer tests: small variables, fixed gradients, optimizer lookup."""
import numpy as np
import torch

from tkeras import optimizers
from tkeras.backend.variable import Variable

CLASSES = {"sgd": optimizers.SGD, "rmsprop": optimizers.RMSprop, "adam": optimizers.Adam,
           "adamw": optimizers.AdamW, "adagrad": optimizers.Adagrad, "adadelta": optimizers.Adadelta,
           "adamax": optimizers.Adamax, "nadam": optimizers.Nadam,
           "lion": optimizers.Lion, "adafactor": optimizers.Adafactor, "ftrl": optimizers.Ftrl,
           "lamb": optimizers.Lamb, "muon": optimizers.Muon, "schedulefreeadamw": optimizers.ScheduleFreeAdamW}


def initial_values(dtype="float32"):
    """A 2x3 kernel and a 3-vector bias."""
    return [np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=dtype), np.array([0.1, -0.2, 0.3], dtype=dtype)]


def make_variables(values, names=("kernel", "bias"), device="cpu"):
    return [Variable(torch.tensor(v, device=device), name=n, dtype=str(v.dtype)) for v, n in zip(values, names)]


def as_tensors(arrays, device="cpu"):
    return [None if a is None else torch.as_tensor(a, device=device) for a in arrays]


def gradient_steps(steps=5, dtype="float32", seed=3):
    """Gradients for `steps` updates: varied signs, a large first step (so AMSGrad's max matters),
    tiny entries (so where epsilon sits matters) and an exact zero."""
    rng = np.random.default_rng(seed)
    result = []
    for t in range(steps):
        scale = 3.0 if t == 0 else 1.0 / (t + 1)
        kernel = (rng.standard_normal((2, 3)) * scale).astype(dtype)
        kernel[0, 0] = 1e-4 * (-1) ** t
        kernel[1, 2] = 0.0
        bias = (rng.standard_normal(3) * scale).astype(dtype)
        result.append([kernel, bias])
    return result


def values_of(variables):
    return [v.detach().cpu().numpy().copy() for v in variables]
