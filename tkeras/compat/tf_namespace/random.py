"""`tf.random`: draws with TensorFlow's seeding rules (see `_seeds.py`).

Without `seed`, draws come from torch's global generator, which `set_seed` resets. An op `seed` gives a
sequence that is the same on every run but differs from call to call, as in eager TensorFlow; the
`stateless_*` functions and `Generator` give fully reproducible draws.
"""
import os

import torch

from tkeras.backend import config
from tkeras.compat.tf_namespace._seeds import op_generator, set_global_seed, stateless_generator
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr
from tkeras.ops.core import _float_default, _shape, tensor, to_torch_dtype, user_op


def _uniform(shape, minval, maxval, dtype, generator, api):
    dtype = _float_default(dtype)
    device = config.device()
    if not dtype.is_floating_point:
        if maxval is None:
            raise ValueError(f"tf.random.{api}: an integer dtype ({dtype}) needs `maxval`")
        return torch.randint(int(minval), int(maxval), _shape(shape), generator=generator, device=device,
                             dtype=dtype)
    maxval = 1.0 if maxval is None else maxval
    values = torch.rand(_shape(shape), generator=generator, device=device, dtype=dtype)
    return values * (maxval - minval) + minval


def _normal(shape, mean, stddev, dtype, generator):
    values = torch.randn(_shape(shape), generator=generator, device=config.device(), dtype=_float_default(dtype))
    return values * stddev + mean


def _truncated_normal(shape, mean, stddev, dtype, generator):
    """Normal draws redrawn until within two standard deviations (TensorFlow's definition)."""
    values = torch.randn(_shape(shape), generator=generator, device=config.device(), dtype=_float_default(dtype))
    outside = values.abs() > 2
    while bool(outside.any()):
        values[outside] = torch.randn(int(outside.sum()), generator=generator, device=values.device,
                                      dtype=values.dtype)
        outside = values.abs() > 2
    return values * stddev + mean


def _categorical(logits, num_samples, dtype, generator):
    probabilities = torch.softmax(tensor(logits).float(), dim=-1)
    draws = torch.multinomial(probabilities, int(num_samples), replacement=True, generator=generator)
    return draws.to(to_torch_dtype(dtype) or torch.int64)


def _seeded(api, seed):
    return op_generator(f"tf.random.{api}", seed, config.device())


@user_op
def uniform(shape, minval=0, maxval=None, dtype=torch.float32, seed=None, name=None):
    return _uniform(shape, minval, maxval, dtype, _seeded("uniform", seed), "uniform")


@user_op
def normal(shape, mean=0.0, stddev=1.0, dtype=torch.float32, seed=None, name=None):
    return _normal(shape, mean, stddev, dtype, _seeded("normal", seed))


@user_op
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=torch.float32, seed=None, name=None):
    return _truncated_normal(shape, mean, stddev, dtype, _seeded("truncated_normal", seed))


@user_op
def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """`num_samples` class indices per row of `logits` (unnormalised log-probabilities)."""
    return _categorical(logits, num_samples, dtype, _seeded("categorical", seed))


@user_op
def shuffle(value, seed=None, name=None):
    """The rows of `value` (its first axis) in a random order."""
    x = tensor(value)
    order = torch.randperm(x.shape[0], generator=op_generator("tf.random.shuffle", seed, x.device), device=x.device)
    return x.index_select(0, order)


def set_seed(seed):
    """TensorFlow's global seed: resets torch's generator and the op-seed sequences (NumPy's and Python's
    generators are left alone, as in TensorFlow)."""
    set_global_seed(seed)


def _stateless(api, seed):
    return stateless_generator(seed, f"tf.random.{api}", config.device())


@user_op
def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=torch.float32, name=None, alg="auto_select"):
    return _uniform(shape, minval, maxval, dtype, _stateless("stateless_uniform", seed), "stateless_uniform")


@user_op
def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=torch.float32, name=None, alg="auto_select"):
    return _normal(shape, mean, stddev, dtype, _stateless("stateless_normal", seed))


@user_op
def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=torch.float32, name=None,
                               alg="auto_select"):
    return _truncated_normal(shape, mean, stddev, dtype, _stateless("stateless_truncated_normal", seed))


@user_op
def stateless_categorical(logits, num_samples, seed, dtype=torch.int64, name=None):
    return _categorical(logits, num_samples, dtype, _stateless("stateless_categorical", seed))


class Generator:
    """`tf.random.Generator`: a generator object with its own state, independent of the global seed.

    `make_seeds` hands out seed pairs for the `stateless_*` functions (TensorFlow's recipe for
    reproducible augmentation in `Dataset.map`).
    """

    def __init__(self, seed, alg=None):
        self._generator = torch.Generator(device=config.device())
        self._generator.manual_seed(int(seed) % 2 ** 63)

    @classmethod
    def from_seed(cls, seed, alg=None):
        return cls(seed, alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        return cls(int.from_bytes(os.urandom(8), "little"), alg)

    def uniform(self, shape, minval=0, maxval=None, dtype=torch.float32, name=None):
        return _uniform_with(self._generator, shape, minval, maxval, dtype)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=torch.float32, name=None):
        return _normal_with(self._generator, shape, mean, stddev, dtype)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=torch.float32, name=None):
        return _truncated_normal_with(self._generator, shape, mean, stddev, dtype)

    def make_seeds(self, count=1):
        """A (2, count) int64 tensor: column i is a seed pair for a stateless function."""
        return _uniform_with(self._generator, (2, int(count)), -2 ** 62, 2 ** 62, torch.int64)

    def split(self, count=1):
        """`count` new generators seeded from this one."""
        seeds = torch.randint(0, 2 ** 62, (int(count),), generator=self._generator, device=config.device())
        return [Generator(int(s)) for s in seeds.tolist()]


@user_op
def _uniform_with(generator, shape, minval, maxval, dtype):
    return _uniform(shape, minval, maxval, dtype, generator, "Generator.uniform")


@user_op
def _normal_with(generator, shape, mean, stddev, dtype):
    return _normal(shape, mean, stddev, dtype, generator)


@user_op
def _truncated_normal_with(generator, shape, mean, stddev, dtype):
    return _truncated_normal(shape, mean, stddev, dtype, generator)


experimental = Namespace("tf.random.experimental", Generator=Generator)

__getattr__ = module_getattr("tf.random")
