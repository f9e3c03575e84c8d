"""TensorFlow's two kinds of seeded randomness, on torch generators.

*Op seeds* (`tf.random.uniform(..., seed=3)`, `tf.image.random_flip_left_right(img, seed=3)`): in eager
TensorFlow an op given a seed draws a fixed *sequence*: each call differs from the last (so an augmentation
inside `Dataset.map` does not flip every image the same way), and the sequence restarts when
`tf.random.set_seed` is called. Each (op, seed, device) keeps one generator here for that.

*Stateless seeds* (`tf.random.stateless_uniform(..., seed=[1, 2])`, `tf.image.stateless_random_*`): the
same seed gives the same draw, every time.

Draws without a seed use torch's global generator, which `set_seed` resets. Any other global reseed
(`keras.utils.set_random_seed`, `torch.manual_seed`) restarts the op-seed sequences too, as
`keras.utils.set_random_seed` does in TensorFlow: torch's initial seed tells that one happened.
"""
import zlib

import numpy as np
import torch

_DEFAULT_GLOBAL_SEED = 87654321  # TensorFlow's graph seed when only an op seed is given
_STARTUP_SEED = torch.initial_seed()  # torch's own seed until someone sets one
_op_generators = {}
_generators_seed = _STARTUP_SEED  # torch's initial seed when the generators in _op_generators were made


def set_global_seed(seed):
    """`tf.random.set_seed`: torch's global generator and every op-seed sequence start again."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"tf.random.set_seed expects an integer seed, received {seed!r}")
    _op_generators.clear()
    torch.manual_seed(int(seed))


def _device_of(device):
    return torch.device(device) if device is not None else torch.device("cpu")


def op_generator(op, seed, device=None):
    """The generator an op with an op-level `seed` draws from (None: torch's global generator)."""
    if seed is None:
        return None
    global _generators_seed
    global_seed = torch.initial_seed()
    if global_seed != _generators_seed:  # reseeded since the generators were made: start afresh
        _op_generators.clear()
        _generators_seed = global_seed
    device = _device_of(device)
    key = (op, int(seed), device.type, device.index)
    generator = _op_generators.get(key)
    if generator is None:
        base = _DEFAULT_GLOBAL_SEED if global_seed == _STARTUP_SEED else global_seed
        generator = torch.Generator(device=device)
        generator.manual_seed((base * 1_000_003 + int(seed) * 7919 + zlib.crc32(op.encode())) % 2 ** 63)
        _op_generators[key] = generator
    return generator


def stateless_generator(seed, api, device=None):
    """A fresh generator for a stateless op's `seed` (two integers: a list, tuple, array or tensor)."""
    values = seed.tolist() if isinstance(seed, (torch.Tensor, np.ndarray)) else seed
    if not isinstance(values, (list, tuple)) or len(values) != 2:
        raise ValueError(f"{api}: `seed` must be a shape [2] tensor of two integers, received {seed!r}")
    first, second = (int(v) for v in values)
    generator = torch.Generator(device=_device_of(device))
    generator.manual_seed(((first & 0xFFFFFFFF) << 31 ^ (second & 0x7FFFFFFF)) % 2 ** 63)
    return generator
