"""`tf.random.gamma` / `poisson` and the stateless gamma, Poisson, binomial and parameterised truncated
normal draws, on torch's samplers.

Shapes follow TensorFlow: the stateful ops return `shape + broadcast(parameters).shape` (one draw per
parameter setting per requested sample), while the stateless ones take the full output `shape`, which
must *end with* the parameters' broadcast shape. The values come from torch's generators, not
TensorFlow's Philox streams; their distributions are the same.
"""
import torch

from tkeras.backend import config
from tkeras.ops.core import _shape, tensor, to_torch_dtype

_FLOATS = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def _params(api, dtype, *values):
    """The parameters as tensors of `dtype` (or float32 for an integer dtype), broadcast together."""
    work = dtype if dtype in _FLOATS else torch.float32
    params = [tensor(v).to(device=config.device()) for v in values]
    params = [p.to(torch.float64 if work == torch.float64 else torch.float32) for p in params]
    try:
        return torch.broadcast_tensors(*params)
    except RuntimeError:
        shapes = ", ".join(str(tuple(p.shape)) for p in params)
        raise ValueError(f"tf.random.{api}: the parameters' shapes {shapes} do not broadcast") from None


def _float_dtype(dtype, api, default=torch.float32):
    dtype = to_torch_dtype(dtype) or default
    if dtype not in _FLOATS:
        raise TypeError(f"tf.random.{api}: `dtype` must be float16, bfloat16, float32 or float64, received {dtype}")
    return dtype


def _stateless_shape(shape, params_shape, api):
    shape = _shape(shape)
    tail = tuple(params_shape)
    if len(tail) > len(shape) or (tail and shape[len(shape) - len(tail):] != tail):
        raise ValueError(f"tf.random.{api}: Shape passed in must end with broadcasted shape: `shape` {shape}, "
                         f"parameters broadcast to {tail}")
    return shape


def _gamma_draws(shape, alpha, beta, generator):
    """Gamma(alpha, rate=beta) draws of `shape` (which ends with alpha's shape)."""
    concentration = alpha.expand(shape).contiguous()
    return torch._standard_gamma(concentration, generator=generator) / beta.expand(shape)


def gamma_draws(shape, alpha, beta, dtype, generator, api, stateless):
    dtype = _float_dtype(dtype, api)
    alpha, beta = _params(api, dtype, alpha, 1.0 if beta is None else beta)
    full = _stateless_shape(shape, alpha.shape, api) if stateless else _shape(shape) + tuple(alpha.shape)
    draws = _gamma_draws(full, alpha, beta, generator)
    # TensorFlow returns NaN for a non-positive concentration rather than failing
    return torch.where(alpha.expand(full) > 0, draws, torch.full_like(draws, float("nan"))).to(dtype)


def poisson_draws(shape, lam, dtype, generator, api, stateless):
    dtype = to_torch_dtype(dtype)
    if dtype.is_complex or dtype == torch.bool:
        raise TypeError(f"tf.random.{api}: `dtype` must be a float or integer dtype, received {dtype}")
    (rate,) = _params(api, torch.float64, lam)
    full = _stateless_shape(shape, rate.shape, api) if stateless else _shape(shape) + tuple(rate.shape)
    rates = rate.expand(full).contiguous()
    draws = torch.poisson(rates.clamp(min=0), generator=generator)
    if dtype.is_floating_point:  # a negative rate gives NaN in a float result (TensorFlow's choice)
        return torch.where(rates < 0, torch.full_like(draws, float("nan")), draws).to(dtype)
    return draws.to(dtype)


def binomial_draws(shape, counts, probs, dtype, generator, api):
    dtype = to_torch_dtype(dtype)
    counts, probs = _params(api, torch.float64, counts, probs)
    full = _stateless_shape(shape, counts.shape, api)
    draws = torch.binomial(counts.expand(full).contiguous(), probs.expand(full).clamp(0, 1).contiguous(),
                           generator=generator)
    return draws.to(dtype)


def truncated_normal_draws(shape, means, stddevs, minvals, maxvals, generator, api):
    """Normal(means, stddevs) restricted to [minvals, maxvals], by inverting the CDF in float64.

    The interval is mirrored onto the negative half-axis first, where the CDF keeps its precision far
    into the tail (Φ(-10) is representable; 1 - Φ(10) is not)."""
    dtype = tensor(means).dtype if tensor(means).dtype in _FLOATS else torch.float32
    means, stddevs, minvals, maxvals = _params(api, torch.float64, means, stddevs, minvals, maxvals)
    full = _stateless_shape(shape, means.shape, api)
    low, high = (minvals - means) / stddevs, (maxvals - means) / stddevs
    low, high = low.expand(full), high.expand(full)
    flip = low > 0
    a, b = torch.where(flip, -high, low), torch.where(flip, -low, high)
    cdf_a, cdf_b = torch.special.ndtr(a), torch.special.ndtr(b)
    u = torch.rand(full, generator=generator, device=config.device(), dtype=torch.float64)
    z = torch.special.ndtri(cdf_a + u * (cdf_b - cdf_a)).clamp(a, b)
    z = torch.where(flip, -z, z)
    return (means + stddevs * z).to(dtype)
