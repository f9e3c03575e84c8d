"""Random tensors: `keras.random.*` / `tf.random.*`.

As in Keras 3: an int `seed` makes a draw a pure function of it (the same values on every call, those of
the first draw of a SeedGenerator made with that seed); a
`keras.random.SeedGenerator` gives each draw the next seed of its stream (consecutive draws differ, a
generator made with the same seed replays them); without a seed, draws come from torch's global
generator, which `set_seed` and `keras.utils.set_random_seed` reset (Keras uses a global SeedGenerator
that `set_random_seed` recreates: the same determinism and independence). The values are torch's, not
Keras' bits.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.ops.core import _float_default, _shape, tensor, to_torch_dtype, user_op
from tkeras.ops.seed_generator import SeedGenerator, _mixed_seed


def _dtype(dtype, op):
    """The draw's torch dtype, which must not be an integer one: Keras 3 draws integers only in `randint`
    (tf.random.uniform's integer draws are tkeras.compat.tf_namespace's own)."""
    torch_dtype = _float_default(dtype)
    if not (torch_dtype.is_floating_point or (torch_dtype.is_complex and op != "uniform")):
        hint = " (draw integers with keras.random.randint)" if op == "uniform" else ""
        raise ValueError(f"keras.random.{op}: argument 'dtype' must be a floating point dtype{hint}; received "
                         f"dtype={config.dtype_name(torch_dtype)}")
    return torch_dtype


def _generator(seed, device=None):
    """None (torch's global generator) for seed=None; a generator seeded with an int seed (the same draws
    on every call, as Keras' stateless draws); a SeedGenerator's next seed (the counter advances)."""
    if seed is None:
        return None
    if isinstance(seed, SeedGenerator):
        return seed.torch_generator(device or config.device())
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"keras.random: argument 'seed' must be an integer, a keras.random.SeedGenerator or None, "
                         f"received seed={seed!r} of type {type(seed).__name__}")
    generator = torch.Generator(device=device or config.device())
    return generator.manual_seed(_mixed_seed(int(seed), 0))  # as Keras: a SeedGenerator(seed)'s first draw


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
    order = torch.randperm(x.shape[axis], generator=_generator(seed, x.device), device=x.device)
    return torch.index_select(x, axis, order)


def set_seed(seed):
    """TensorFlow's global seed: resets torch's generator (NumPy and Python are left alone, as in TF)."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"set_seed expects an integer seed, received {seed!r}")
    torch.manual_seed(int(seed))


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
    keep = torch.rand(shape, generator=_generator(seed, x.device), device=x.device) >= float(rate)
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
