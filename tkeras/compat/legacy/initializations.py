"""Keras 1's `keras.initializations`: functions of a shape that return an initialised variable.

Keras 2 turned these into initializer classes (`keras.initializers.RandomNormal(stddev=...)`); Keras 1
code calls the functions itself, typically in a custom `init`:

    def my_init(shape, name=None):
        return initializations.normal(shape, scale=0.01, name=name)
    Dense(64, init=my_init)

Each function keeps Keras 1's signature and arithmetic: `scale` is the half-width of a uniform or the
standard deviation of a (not truncated) normal, the Glorot/He/LeCun scales come from `get_fans`, and
`dim_ordering` says where the channels of a convolution kernel are ('th': (out, in, rows, cols), the
Keras 1 default; 'tf': (rows, cols, in, out), tkeras' kernel layout, which layers pass when they call
one of these functions themselves). Each draw takes its seed from NumPy's global generator, as Keras 1
did (`seed = np.random.randint(10e8)` in its backends), so the `np.random.seed(1337)` at the top of a
Keras 1 script makes its initial weights repeatable; `keras.utils.set_random_seed` seeds NumPy too.
"""
import math

import numpy as np
import torch

from tkeras.backend.variable import Variable


def get_fans(shape, dim_ordering="th"):
    """(fan_in, fan_out) of a weight of `shape`, as Keras 1 computed them."""
    shape = tuple(int(d) for d in shape)
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) in (3, 4, 5):
        if dim_ordering == "th":
            receptive_field = int(np.prod(shape[2:]))
            return shape[1] * receptive_field, shape[0] * receptive_field
        if dim_ordering == "tf":
            receptive_field = int(np.prod(shape[:-2]))
            return shape[-2] * receptive_field, shape[-1] * receptive_field
        raise ValueError(f"keras.initializations: dim_ordering must be 'th' or 'tf', received {dim_ordering!r}")
    size = math.sqrt(float(np.prod(shape)))  # Keras 1's fallback for other ranks
    return size, size


def _variable(value, name):
    return Variable(value, name=name, dtype=torch.float32)


def _numpy_seeded_generator():
    return torch.Generator().manual_seed(int(np.random.randint(10e8)))


def uniform(shape, scale=0.05, name=None, dim_ordering="th"):
    """Uniform on [-scale, scale]."""
    value = torch.empty(tuple(shape)).uniform_(-scale, scale, generator=_numpy_seeded_generator())
    return _variable(value, name)


def normal(shape, scale=0.05, name=None, dim_ordering="th"):
    """Normal with mean 0 and standard deviation `scale` (not truncated)."""
    return _variable(torch.randn(tuple(shape), generator=_numpy_seeded_generator()) * scale, name)


def lecun_uniform(shape, name=None, dim_ordering="th"):
    fan_in, _ = get_fans(shape, dim_ordering)
    return uniform(shape, math.sqrt(3.0 / fan_in), name=name)


def glorot_normal(shape, name=None, dim_ordering="th"):
    fan_in, fan_out = get_fans(shape, dim_ordering)
    return normal(shape, math.sqrt(2.0 / (fan_in + fan_out)), name=name)


def glorot_uniform(shape, name=None, dim_ordering="th"):
    fan_in, fan_out = get_fans(shape, dim_ordering)
    return uniform(shape, math.sqrt(6.0 / (fan_in + fan_out)), name=name)


def he_normal(shape, name=None, dim_ordering="th"):
    fan_in, _ = get_fans(shape, dim_ordering)
    return normal(shape, math.sqrt(2.0 / fan_in), name=name)


def he_uniform(shape, name=None, dim_ordering="th"):
    fan_in, _ = get_fans(shape, dim_ordering)
    return uniform(shape, math.sqrt(6.0 / fan_in), name=name)


def orthogonal(shape, scale=1.1, name=None, dim_ordering="th"):
    """`scale` times an orthogonal matrix (Keras 1's default scale is 1.1), from the SVD of a normal draw."""
    shape = tuple(int(d) for d in shape)
    flat_shape = (shape[0], int(np.prod(shape[1:])))
    u, _, v = torch.linalg.svd(torch.randn(flat_shape, dtype=torch.float64), full_matrices=False)
    q = u if tuple(u.shape) == flat_shape else v
    return _variable((scale * q.reshape(shape)).float(), name)


def identity(shape, scale=1, name=None, dim_ordering="th"):
    shape = tuple(int(d) for d in shape)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"keras.initializations.identity: only 2D square matrices can be initialized to the "
                         f"identity, received shape {shape}")
    return _variable(scale * torch.eye(shape[0]), name)


def zero(shape, name=None, dim_ordering="th"):
    return _variable(torch.zeros(tuple(shape)), name)


def one(shape, name=None, dim_ordering="th"):
    return _variable(torch.ones(tuple(shape)), name)


_FUNCTIONS = {f.__name__: f for f in (uniform, normal, lecun_uniform, glorot_normal, glorot_uniform, he_normal,
                                      he_uniform, orthogonal, identity, zero, one)}


def get(identifier, **kwargs):
    """Keras 1's lookup: a function by name, or the callable itself."""
    if callable(identifier):
        return identifier
    if identifier in _FUNCTIONS:
        return _FUNCTIONS[identifier]
    from tkeras.utils.lookup import lookup_error
    raise lookup_error("keras.initializations function", identifier, sorted(_FUNCTIONS))
