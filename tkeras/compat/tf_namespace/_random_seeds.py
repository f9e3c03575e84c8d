"""Seed arithmetic of `tf.random`: `Algorithm`, `create_rng_state`, and `fold_in` / `split`, which derive
new stateless seeds from one.

The derived seeds are not TensorFlow's numbers (those come out of its Philox stream), but they keep its
contract: the same inputs give the same seeds, different `data` or positions give different ones, and
the result has the seed's dtype and shape [2] (or [num, 2]).
"""
import enum
import hashlib

import numpy as np
import torch

from tkeras.ops.core import tensor, user_op


class Algorithm(enum.Enum):
    """The random-number algorithms TensorFlow names; tkeras draws with torch's whatever is chosen."""
    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


_ALG_NAMES = {"philox": Algorithm.PHILOX, "threefry": Algorithm.THREEFRY, "auto_select": Algorithm.AUTO_SELECT}
_STATE_SIZE = {Algorithm.PHILOX: 3, Algorithm.THREEFRY: 2, Algorithm.AUTO_SELECT: 3}


def algorithm(alg):
    if isinstance(alg, Algorithm):
        return alg
    if isinstance(alg, str) and alg.lower() in _ALG_NAMES:
        return _ALG_NAMES[alg.lower()]
    if isinstance(alg, (int, np.integer)) and not isinstance(alg, bool) and int(alg) in (1, 2, 3):
        return Algorithm(int(alg))
    raise ValueError(f"Argument `alg` got unsupported value {alg}. Supported values are philox for the Philox "
                     "algorithm, threefry for the ThreeFry algorithm, and auto_select for auto-selection.")


def _words(seed, size):
    """An integer (any size, any sign) or a sequence of integers as `size` 64-bit words, lowest first."""
    values = seed.tolist() if hasattr(seed, "tolist") else seed
    if isinstance(values, (list, tuple)):
        words = [int(v) for v in values][:size]
        return words + [0] * (size - len(words))
    value, words = int(values), []
    for _ in range(size):  # two's complement, so -1 fills every word with ones as in TensorFlow
        word = value & (2 ** 64 - 1)
        words.append(word - 2 ** 64 if word >= 2 ** 63 else word)
        value >>= 64
    return words


@user_op
def create_rng_state(seed, alg):
    """An int64 state vector for `alg` (3 words for Philox, 2 for ThreeFry) holding `seed`."""
    return tensor(np.array(_words(seed, _STATE_SIZE[algorithm(alg)]), dtype=np.int64))


def _seed_pair(seed, api):
    x = tensor(seed)
    if x.dim() != 1 or x.shape[0] != 2:
        raise ValueError(f"tf.random.{api}: seed must have shape [2], not {list(x.shape)}")
    if x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
        raise TypeError(f"tf.random.{api}: seed must be int32 or int64, received {x.dtype}")
    return x


def _derive(seed, *salt, count):
    """`count` pairs of integers that depend on the seed pair and `salt` only."""
    digest = hashlib.blake2b(repr((tuple(int(v) for v in seed.tolist()), salt)).encode(), digest_size=16 * count)
    words = np.frombuffer(digest.digest(), dtype=np.int64).reshape(count, 2)
    if seed.dtype == torch.int32:
        words = (words & 0xFFFFFFFF).astype(np.uint32).view(np.int32)
    return torch.from_numpy(words.copy()).to(seed.device)


@user_op
def split(seed, num=2, alg="auto_select"):
    """`num` new seed pairs from one, for handing to several stateless calls."""
    algorithm(alg)
    pair = _seed_pair(seed, "split")
    return _derive(pair, "split", int(num), count=int(num)) if int(num) else pair.new_zeros((0, 2))


@user_op
def fold_in(seed, data, alg="auto_select"):
    """A new seed pair mixing an integer (a step, an example index) into `seed`."""
    algorithm(alg)
    pair = _seed_pair(seed, "fold_in")
    return _derive(pair, "fold_in", int(tensor(data).item()), count=1)[0]
