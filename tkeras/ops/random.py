"""Random tensors: `keras.random.*` / `tf.random.*`.

A `seed` argument makes one call reproducible on its own (a private generator seeded with it);
without one, draws come from torch's global generator, which `set_seed` resets.
"""
import random as python_random

import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.name_scope import current_path
from tkeras.backend.naming import unique_name
from tkeras.backend.stateless_scope import active_stateless_scope
from tkeras.backend.variable import Variable
from tkeras.ops.core import _float_default, _shape, tensor, to_torch_dtype, user_op


def _dtype(dtype, op):
    """The draw's torch dtype, which must not be an integer one: Keras 3 draws integers only in `randint`
    (tf.random.uniform's integer draws are tkeras.compat.tf_namespace's own)."""
    torch_dtype = _float_default(dtype)
    if not (torch_dtype.is_floating_point or (torch_dtype.is_complex and op != "uniform")):
        hint = " (draw integers with keras.random.randint)" if op == "uniform" else ""
        raise ValueError(f"keras.random.{op}: argument 'dtype' must be a floating point dtype{hint}; received "
                         f"dtype={config.dtype_name(torch_dtype)}")
    return torch_dtype


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
    values = torch.randn(_shape(shape), generator=_generator(seed), device=config.device(),
                         dtype=_dtype(dtype, "normal"))
    return values * stddev + mean


@user_op
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """Normal draws redrawn until within two standard deviations (TensorFlow's definition)."""
    generator = _generator(seed)
    values = torch.randn(_shape(shape), generator=generator, device=config.device(),
                         dtype=_dtype(dtype, "truncated_normal"))
    outside = values.abs() > 2
    while bool(outside.any()):
        values[outside] = torch.randn(int(outside.sum()), generator=generator, device=config.device(),
                                      dtype=values.dtype)
        outside = values.abs() > 2
    return values * stddev + mean


@user_op
def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None, name=None):
    dtype = _dtype(dtype, "uniform")
    maxval = 1.0 if maxval is None else maxval
    values = torch.rand(_shape(shape), generator=_generator(seed), device=config.device(), dtype=dtype)
    return values * (maxval - minval) + minval


@user_op
def randint(shape, minval, maxval, dtype="int32", seed=None):
    dtype = to_torch_dtype(dtype or "int32")
    if dtype.is_floating_point or dtype.is_complex or dtype == torch.bool:
        raise ValueError(f"keras.random.randint: argument 'dtype' must be an integer dtype (draw floats with "
                         f"keras.random.uniform); received dtype={config.dtype_name(dtype)}")
    return torch.randint(int(minval), int(maxval), _shape(shape), generator=_generator(seed),
                         device=config.device(), dtype=dtype)


@user_op
def categorical(logits, num_samples, dtype="int32", seed=None, name=None):
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
    """Keras 3's stateful seed: each draw that takes it gets the next seed of a fixed sequence.

    Its state is a variable, as in Keras: `state` (int64 [seed, counter], non-trainable, path
    "<name>/seed_generator_state"), which a layer holding the generator lists in `variables` and
    `non_trainable_variables` (not in `weights`, and not in `.keras` files: Keras saves neither). Each
    tkeras draw that takes the generator uses a seed mixed from the current state and advances the counter
    by one, as Keras' draws call `next()`, so assigning a saved state replays the same draws. `next()`
    returns the state and advances it as Keras does (the counter by one, or Keras' unordered mixing), so
    code that derives its own seeds from it sees Keras' numbers. The state stays on the CPU (the layer
    does not register it with torch): reading it to seed a draw costs no device round trip."""

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"SeedGenerator: unexpected keyword argument(s) {sorted(kwargs)}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise ValueError(f"SeedGenerator: `seed` must be an integer or None, received seed={seed!r}")
        self.name = unique_name("seed_generator") if name is None else name
        self._initial_seed = seed
        # Unseeded, Keras draws the start from Python's `random` (so `keras.utils.set_random_seed` fixes it).
        start = int(seed) if seed is not None else python_random.randint(1, int(1e9))
        self.state = Variable(torch.tensor([start, 0], dtype=torch.int64), trainable=False,
                              name="seed_generator_state", dtype="int64")
        scope = current_path()  # keras.name_scope("encoder"): "encoder/seed_generator/seed_generator_state"
        self.state._keras_path = f"{scope}/{self.name}/seed_generator_state" if scope else \
            f"{self.name}/seed_generator_state"

    def next_seed(self):
        """The seed of the next tkeras draw (a 63-bit mix of the state); the counter advances by one."""
        seed, counter = self.state.tolist()
        if active_stateless_scope() is None:
            with torch.no_grad():
                self.state.data[1] += 1
        else:  # recorded by the scope, as every assignment there
            self.state.assign(torch.tensor([seed, counter + 1], dtype=torch.int64))
        return _mixed_seed(seed, counter)

    def next(self, ordered=True):
        """The current state (a copy); then the state advances: [seed, n] -> [seed, n + 1] when `ordered`,
        else every entry becomes (entry + 1) * 5387 % 933199."""
        current = self.state.detach().clone()
        if ordered:
            self.state.assign(current + torch.tensor([0, 1], dtype=torch.int64))
        else:
            self.state.assign((current + 1) * 5387 % 933199)
        return current

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_MASK64 = 2 ** 64 - 1


def _mixed_seed(seed, counter):
    """splitmix64 of (seed, counter): neighbouring counters give unrelated torch generator seeds."""
    z = (seed * 0x9E3779B97F4A7C15 + counter + 1) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return (z ^ (z >> 31)) % (2 ** 63)


def _positive(op, name, value):
    """Host values are checked (a device tensor is taken as given: checking it would wait for the device)."""
    if isinstance(value, torch.Tensor):
        return value.to(torch.get_default_dtype())
    if np.any(np.asarray(value) <= 0):
        raise ValueError(f"{op}: argument {name!r} must be positive, received {value!r}")
    return float(value) if np.ndim(value) == 0 else tensor(value).to(torch.get_default_dtype())


@user_op
def gamma(shape, alpha, dtype=None, seed=None):
    """Gamma(alpha, 1) draws (torch's sampler, seeded by forking torch's global generator when seeded)."""
    alpha = _positive("gamma", "alpha", alpha)
    concentration = torch.broadcast_to(torch.as_tensor(alpha, dtype=_dtype(dtype, "gamma"),
                                                       device=config.device()), _shape(shape))
    with _seeded(seed):
        return torch._standard_gamma(concentration)


@user_op
def beta(shape, alpha, beta, dtype=None, seed=None):
    """Beta(alpha, beta) as X / (X + Y) of two gamma draws."""
    alpha, beta_ = _positive("beta", "alpha", alpha), _positive("beta", "beta", beta)
    dtype = _dtype(dtype, "beta")
    with _seeded(seed):
        x = torch._standard_gamma(torch.broadcast_to(torch.as_tensor(alpha, dtype=dtype, device=config.device()),
                                                     _shape(shape)))
        y = torch._standard_gamma(torch.broadcast_to(torch.as_tensor(beta_, dtype=dtype, device=config.device()),
                                                     _shape(shape)))
    return x / (x + y)


@user_op
def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = _dtype(dtype, "binomial")
    counts = torch.broadcast_to(torch.as_tensor(counts, dtype=torch.float32, device=config.device()), _shape(shape))
    if not isinstance(probabilities, torch.Tensor) and np.any((np.asarray(probabilities) < 0) |
                                                              (np.asarray(probabilities) > 1)):
        raise ValueError(f"binomial: 'probabilities' must lie in [0, 1], received {probabilities!r}")
    probabilities = torch.broadcast_to(tensor(probabilities).to(torch.float32), _shape(shape))
    with _seeded(seed):
        draws = torch.binomial(counts, probabilities)
    return draws.to(dtype)


@user_op
def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each entry with probability `rate`, scale the rest by 1 / (1 - rate)."""
    x = tensor(inputs)
    if not 0 <= float(rate) < 1:
        raise ValueError(f"dropout: argument 'rate' must be in [0, 1), received {rate!r}")
    if float(rate) == 0:
        return x
    shape = x.shape if noise_shape is None else tuple(x.shape[i] if d is None else int(d)
                                                      for i, d in enumerate(noise_shape))
    keep = torch.rand(shape, generator=_generator(seed), device=x.device) >= float(rate)
    return x * keep.to(x.dtype) / (1.0 - float(rate))


class _seeded:
    """Run torch samplers that take no generator (gamma, binomial) under a seed, leaving the global
    generator's state as it was; unseeded, they draw from the global generator."""

    def __init__(self, seed):
        self.seed = seed

    def __enter__(self):
        if self.seed is None:
            return
        seed = self.seed.next_seed() if hasattr(self.seed, "next_seed") else int(self.seed)
        devices = [torch.device(config.device())] if config.device().type == "cuda" else []
        self._fork = torch.random.fork_rng(devices=devices)
        self._fork.__enter__()
        torch.manual_seed(seed % (2 ** 63))

    def __exit__(self, *exc):
        if self.seed is not None:
            self._fork.__exit__(*exc)
