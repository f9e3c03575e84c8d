"""Random tensors: `keras.random.*` / `tf.random.*`.

A `seed` argument makes one call reproducible on its own (a private generator seeded with it);
without one, draws come from torch's global generator, which `set_seed` resets.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.ops.core import _float_default as _dtype, _shape, tensor, to_torch_dtype, user_op


def _generator(seed):
    if seed is None:
        return None
    if hasattr(seed, "next_seed"):  # keras.random.SeedGenerator
        seed = seed.next_seed()
    generator = torch.Generator(device=config.device())
    generator.manual_seed(int(seed) % (2 ** 63))
    return generator


@user_op
def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    values = torch.randn(_shape(shape), generator=_generator(seed), device=config.device(), dtype=_dtype(dtype))
    return values * stddev + mean


@user_op
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """Normal draws redrawn until within two standard deviations (TensorFlow's definition)."""
    generator = _generator(seed)
    values = torch.randn(_shape(shape), generator=generator, device=config.device(), dtype=_dtype(dtype))
    outside = values.abs() > 2
    while bool(outside.any()):
        values[outside] = torch.randn(int(outside.sum()), generator=generator, device=config.device(),
                                      dtype=values.dtype)
        outside = values.abs() > 2
    return values * stddev + mean


@user_op
def uniform(shape, minval=0.0, maxval=None, dtype=None, seed=None, name=None):
    dtype = _dtype(dtype)
    if not dtype.is_floating_point:
        if maxval is None:
            raise ValueError("uniform: integer dtypes need maxval (TensorFlow's rule)")
        return torch.randint(int(minval), int(maxval), _shape(shape), generator=_generator(seed),
                             device=config.device(), dtype=dtype)
    maxval = 1.0 if maxval is None else maxval
    values = torch.rand(_shape(shape), generator=_generator(seed), device=config.device(), dtype=dtype)
    return values * (maxval - minval) + minval


@user_op
def randint(shape, minval, maxval, dtype="int32", seed=None):
    return torch.randint(int(minval), int(maxval), _shape(shape), generator=_generator(seed),
                         device=config.device(), dtype=to_torch_dtype(dtype))


@user_op
def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    probabilities = torch.softmax(tensor(logits).float(), dim=-1)
    draws = torch.multinomial(probabilities, int(num_samples), replacement=True, generator=_generator(seed))
    return draws.to(to_torch_dtype(dtype) or torch.int64)


@user_op
def shuffle(x, axis=0, seed=None, name=None):
    x = tensor(x)
    order = torch.randperm(x.shape[axis], generator=_generator(seed), device=x.device)
    return torch.index_select(x, axis, order)


def set_seed(seed):
    """TensorFlow's global seed: resets torch's generator (NumPy and Python are left alone, as in TF)."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"set_seed expects an integer seed, received {seed!r}")
    torch.manual_seed(int(seed))


class SeedGenerator:
    """Keras 3's stateful seed: each draw that takes it gets the next seed of a fixed sequence."""

    def __init__(self, seed=None, **kwargs):
        self._state = np.random.default_rng(seed)

    def next_seed(self):
        return int(self._state.integers(0, 2 ** 31 - 1))
