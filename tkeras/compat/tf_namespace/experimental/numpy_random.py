"""`tf.experimental.numpy.random`: NumPy's legacy random functions, float64 as in `tnp`.

One module-level generator serves them all, so `tnp.random.seed(s)` makes later draws repeatable the way
`np.random.seed` does; the numbers themselves come from torch and differ from TensorFlow's.
"""
import torch

from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.core import for_user, to_torch_dtype

_generator = torch.Generator().manual_seed(torch.initial_seed() % (1 << 63))


def _size(size):
    if size is None:
        return ()
    return (int(size),) if isinstance(size, int) else tuple(int(s) for s in size)


def seed(s):
    _generator.manual_seed(int(s))


def rand(*size):
    return for_user(torch.rand(_size(size), generator=_generator, dtype=torch.float64))


def randn(*size):
    return for_user(torch.randn(_size(size), generator=_generator, dtype=torch.float64))


def random(size=None):
    return for_user(torch.rand(_size(size), generator=_generator, dtype=torch.float64))


def standard_normal(size=None):
    return for_user(torch.randn(_size(size), generator=_generator, dtype=torch.float64))


def uniform(low=0.0, high=1.0, size=None):
    draw = torch.rand(_size(size), generator=_generator, dtype=torch.float64)
    return for_user(low + (high - low) * draw)


def randint(low, high=None, size=None, dtype=int):
    if high is None:
        low, high = 0, low
    if high <= low:
        raise ValueError(f"tf.experimental.numpy.random.randint: need low < high, received {low}, {high}")
    out = torch.randint(int(low), int(high), _size(size), generator=_generator, dtype=torch.int64)
    return for_user(out if dtype in (int, "int") else out.to(to_torch_dtype(dtype)))


def poisson(lam=1.0, size=None):
    rates = torch.full(_size(size), float(lam), dtype=torch.float64)
    return for_user(torch.poisson(rates, generator=_generator))


__getattr__ = module_getattr("tf.experimental.numpy.random")
