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
        self._algorithm = algorithm("philox" if alg is None else alg)
        self._seed = int(seed)

    @property
    def algorithm(self):
        """The algorithm's number (1 Philox, 2 ThreeFry), as TensorFlow reports it; torch draws either way."""
        return self._algorithm.value

    @property
    def state(self):
        """An int64 vector in TensorFlow's state layout, built from the seed (torch keeps the real state)."""
        return create_rng_state(self._seed, self._algorithm)

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


from tkeras.compat.tf_namespace import _candidate_samplers as _samplers  # noqa: E402
from tkeras.compat.tf_namespace._random_distributions import (  # noqa: E402
    binomial_draws, gamma_draws, poisson_draws, truncated_normal_draws,
)
from tkeras.compat.tf_namespace._random_seeds import (  # noqa: E402,F401
    Algorithm, algorithm, create_rng_state, fold_in, split,
)


@user_op
def gamma(shape, alpha, beta=None, dtype=torch.float32, seed=None, name=None):
    """Gamma(alpha, rate=beta) draws of shape `shape + broadcast(alpha, beta).shape`."""
    return gamma_draws(shape, alpha, beta, dtype, _seeded("gamma", seed), "gamma", stateless=False)


@user_op
def poisson(shape, lam, dtype=torch.float32, seed=None, name=None):
    """Poisson(lam) counts of shape `shape + lam.shape`, as `dtype` (float32 unless asked)."""
    return poisson_draws(shape, lam, dtype, _seeded("poisson", seed), "poisson", stateless=False)


@user_op
def stateless_gamma(shape, seed, alpha, beta=None, dtype=torch.float32, name=None):
    return gamma_draws(shape, alpha, beta, dtype, _stateless("stateless_gamma", seed), "stateless_gamma",
                       stateless=True)


@user_op
def stateless_poisson(shape, seed, lam, dtype=torch.int32, name=None):
    return poisson_draws(shape, lam, dtype, _stateless("stateless_poisson", seed), "stateless_poisson",
                         stateless=True)


@user_op
def stateless_binomial(shape, seed, counts, probs, output_dtype=torch.int32, name=None):
    return binomial_draws(shape, counts, probs, output_dtype, _stateless("stateless_binomial", seed),
                          "stateless_binomial")


@user_op
def stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0, minvals=-2.0, maxvals=2.0,
                                             name=None):
    """Normal draws confined to [minvals, maxvals], each parameter broadcast against the end of `shape`."""
    api = "stateless_parameterized_truncated_normal"
    return truncated_normal_draws(shape, means, stddevs, minvals, maxvals, _stateless(api, seed), api)


_global_generator = None


def get_global_generator():
    """The process-wide `Generator` (made from a non-deterministic seed the first time it is asked for)."""
    global _global_generator
    if _global_generator is None:
        _global_generator = Generator.from_non_deterministic_state()
    return _global_generator


def set_global_generator(generator):
    """Replaces the global generator; code holding the old one keeps drawing from it, as in TensorFlow."""
    if not isinstance(generator, Generator):
        raise TypeError(f"tf.random.set_global_generator expects a tf.random.Generator, received "
                        f"{type(generator).__name__}")
    global _global_generator
    _global_generator = generator


def _sampler_generator(api, seed):
    return op_generator(f"tf.random.{api}", seed, "cpu")


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    api = "uniform_candidate_sampler"
    return _samplers.sample(_samplers.uniform_probabilities(range_max), true_classes, num_true, num_sampled, unique,
                            _sampler_generator(api, seed), api)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Samples ids with Zipf-like probabilities: suited to vocabularies sorted by decreasing frequency."""
    api = "log_uniform_candidate_sampler"
    return _samplers.sample(_samplers.log_uniform_probabilities(range_max), true_classes, num_true, num_sampled,
                            unique, _sampler_generator(api, seed), api)


def learned_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Uniform over the range: TensorFlow's version starts uniform and learns from the true classes it is
    shown within one kernel's lifetime; tkeras keeps no such state between calls."""
    api = "learned_unigram_candidate_sampler"
    return _samplers.sample(_samplers.uniform_probabilities(range_max), true_classes, num_true, num_sampled, unique,
                            _sampler_generator(api, seed), api)


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, vocab_file="",
                                    distortion=1.0, num_reserved_ids=0, num_shards=1, shard=0, unigrams=(),
                                    seed=None, name=None):
    api = "fixed_unigram_candidate_sampler"
    probabilities = _samplers.fixed_unigram_probabilities(range_max, vocab_file, distortion, num_reserved_ids,
                                                          num_shards, shard, unigrams, api)
    return _samplers.sample(probabilities, true_classes, num_true, num_sampled, unique,
                            _sampler_generator(api, seed), api)


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """The first `num_sampled` ids, each with expected count 1: a sampler for testing the full softmax."""
    true = _samplers._true_classes(true_classes, num_true, "all_candidate_sampler")
    device = config.device()
    return _samplers.result("all_candidate_sampler",
                            torch.arange(int(num_sampled), dtype=torch.int64, device=device),
                            torch.ones(true.shape, dtype=torch.float32, device=device),
                            torch.ones(int(num_sampled), dtype=torch.float32, device=device))


experimental = Namespace("tf.random.experimental", Generator=Generator, Algorithm=Algorithm,
                         create_rng_state=create_rng_state, get_global_generator=get_global_generator,
                         set_global_generator=set_global_generator, stateless_fold_in=fold_in,
                         stateless_split=split)

__getattr__ = module_getattr("tf.random")
