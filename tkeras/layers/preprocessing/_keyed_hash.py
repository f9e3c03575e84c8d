"""SipHash-2-4 in pure Python: the keyed string hash behind TensorFlow's `to_hash_bucket_strong`.

Keras' `Hashing(salt=[k0, k1])` sends a string to `SipHash-2-4(key=(k0, k1), utf-8 bytes) % num_bins`
(a salt makes the bins unpredictable without the key, e.g. against crafted collisions). Written here
from the published algorithm (Aumasson and Bernstein, 2012); values are hashed one by one, so callers
hash the distinct values of a batch only.
"""
import numbers

import numpy as np

_MASK = (1 << 64) - 1


def _rotl(value, shift):
    return ((value << shift) | (value >> (64 - shift))) & _MASK


def _sip_round(v0, v1, v2, v3):
    v0 = (v0 + v1) & _MASK
    v1 = _rotl(v1, 13) ^ v0
    v0 = _rotl(v0, 32)
    v2 = (v2 + v3) & _MASK
    v3 = _rotl(v3, 16) ^ v2
    v0 = (v0 + v3) & _MASK
    v3 = _rotl(v3, 21) ^ v0
    v2 = (v2 + v1) & _MASK
    v1 = _rotl(v1, 17) ^ v2
    v2 = _rotl(v2, 32)
    return v0, v1, v2, v3


def siphash24(key0, key1, data):
    """SipHash-2-4 of one bytes object under the 128-bit key (key0, key1), as an int in [0, 2**64)."""
    key0, key1 = key0 & _MASK, key1 & _MASK
    v0, v1 = key0 ^ 0x736F6D6570736575, key1 ^ 0x646F72616E646F6D
    v2, v3 = key0 ^ 0x6C7967656E657261, key1 ^ 0x7465646279746573
    n = len(data)
    whole = n - n % 8
    # Each 8-byte word, then a last word holding the leftover bytes and the length's low byte.
    words = [int.from_bytes(data[at:at + 8], "little") for at in range(0, whole, 8)]
    words.append(((n & 0xFF) << 56) | int.from_bytes(data[whole:], "little"))
    for word in words:
        v3 ^= word
        v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
        v0 ^= word
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def keyed_hash64(strings, key, encoding="utf-8"):
    """SipHash-2-4 of each string (str encoded with `encoding`, bytes as they are) under `key`, as uint64."""
    key0, key1 = (int(k) for k in key)
    return np.fromiter((siphash24(key0, key1, s if isinstance(s, bytes) else s.encode(encoding)) for s in strings),
                       dtype=np.uint64, count=len(strings))


def salt_pair(owner, salt):
    """Keras' salt forms as the two key words: None, an integer k (the key [k, k]) or two integers."""
    if salt is None:
        return None
    if isinstance(salt, numbers.Integral) and not isinstance(salt, bool):
        return [int(salt), int(salt)]
    if isinstance(salt, (list, tuple)) and len(salt) == 2 and all(
            isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in salt):
        return [int(k) for k in salt]
    raise ValueError(f"{owner}: `salt` must be an integer or a pair of integers (the SipHash key), received {salt!r}")
