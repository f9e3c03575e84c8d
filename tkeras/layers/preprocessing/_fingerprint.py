"""FarmHash Fingerprint64 in pure Python: the string hash behind TensorFlow's `to_hash_bucket_fast`.

Keras' Hashing layer and the lookup layers' extra OOV buckets send a string to bucket
`Fingerprint64(utf-8 bytes) % num_bins`. Implementing the same function (FarmHash's "na" variant, by
Geoff Pike, MIT licence; written here from its published algorithm) makes tkeras put every string in
the bucket Keras does, without adding a compiled dependency. Strings are hashed one by one in
Python, which is fast enough for preprocessing-sized vocabularies; callers hash distinct values only.
"""
import numpy as np

_MASK = (1 << 64) - 1
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F


def _word(data, at):
    return int.from_bytes(data[at:at + 8], "little")


def _half_word(data, at):
    return int.from_bytes(data[at:at + 4], "little")


def _rotr(value, shift):
    return ((value >> shift) | (value << (64 - shift))) & _MASK


def _shift_mix(value):
    return value ^ (value >> 47)


def _mix16(u, v, mul):
    a = ((u ^ v) * mul) & _MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK
    b ^= b >> 47
    return (b * mul) & _MASK


def _short(data):
    """0 to 16 bytes."""
    n = len(data)
    if n >= 8:
        mul = _K2 + 2 * n
        a = (_word(data, 0) + _K2) & _MASK
        b = _word(data, n - 8)
        c = (_rotr(b, 37) * mul + a) & _MASK
        d = ((_rotr(a, 25) + b) * mul) & _MASK
        return _mix16(c, d, mul)
    if n >= 4:
        mul = _K2 + 2 * n
        return _mix16((n + (_half_word(data, 0) << 3)) & _MASK, _half_word(data, n - 4), mul)
    if n:
        y = data[0] + (data[n >> 1] << 8)
        z = n + (data[n - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _medium(data):
    """17 to 32 bytes."""
    n = len(data)
    mul = _K2 + 2 * n
    a = (_word(data, 0) * _K1) & _MASK
    b = _word(data, 8)
    c = (_word(data, n - 8) * mul) & _MASK
    d = (_word(data, n - 16) * _K2) & _MASK
    return _mix16((_rotr((a + b) & _MASK, 43) + _rotr(c, 30) + d) & _MASK,
                  (a + _rotr((b + _K2) & _MASK, 18) + c) & _MASK, mul)


def _long(data):
    """33 to 64 bytes."""
    n = len(data)
    mul = _K2 + 2 * n
    a = (_word(data, 0) * _K2) & _MASK
    b = _word(data, 8)
    c = (_word(data, n - 8) * mul) & _MASK
    d = (_word(data, n - 16) * _K2) & _MASK
    y = (_rotr((a + b) & _MASK, 43) + _rotr(c, 30) + d) & _MASK
    z = _mix16(y, (a + _rotr((b + _K2) & _MASK, 18) + c) & _MASK, mul)
    e = (_word(data, 16) * mul) & _MASK
    f = _word(data, 24)
    g = ((y + _word(data, n - 32)) * mul) & _MASK
    h = ((z + _word(data, n - 24)) * mul) & _MASK
    return _mix16((_rotr((e + f) & _MASK, 43) + _rotr(g, 30) + h) & _MASK,
                  (e + _rotr((f + a) & _MASK, 18) + g) & _MASK, mul)


def _weak32(data, at, a, b):
    """Two 64-bit words from 32 bytes at `at` and two seeds."""
    w, x, y, z = (_word(data, at + 8 * i) for i in range(4))
    a = (a + w) & _MASK
    b = _rotr((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rotr(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def _huge(data):
    """More than 64 bytes: 64-byte blocks through a 56-byte state, then the last 64 bytes."""
    n = len(data)
    x = 81
    y = (81 * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v0 = v1 = w0 = w1 = 0
    x = (x * _K2 + _word(data, 0)) & _MASK
    end = ((n - 1) // 64) * 64
    for at in range(0, end, 64):
        x = (_rotr((x + y + v0 + _word(data, at + 8)) & _MASK, 37) * _K1) & _MASK
        y = (_rotr((y + v1 + _word(data, at + 48)) & _MASK, 42) * _K1) & _MASK
        x ^= w1
        y = (y + v0 + _word(data, at + 40)) & _MASK
        z = (_rotr((z + w0) & _MASK, 33) * _K1) & _MASK
        v0, v1 = _weak32(data, at, (v1 * _K1) & _MASK, (x + w0) & _MASK)
        w0, w1 = _weak32(data, at + 32, (z + w1) & _MASK, (y + _word(data, at + 16)) & _MASK)
        x, z = z, x
    mul = (_K1 + ((z & 0xFF) << 1)) & _MASK
    at = n - 64
    w0 = (w0 + ((n - 1) & 63)) & _MASK
    v0 = (v0 + w0) & _MASK
    w0 = (w0 + v0) & _MASK
    x = (_rotr((x + y + v0 + _word(data, at + 8)) & _MASK, 37) * mul) & _MASK
    y = (_rotr((y + v1 + _word(data, at + 48)) & _MASK, 42) * mul) & _MASK
    x ^= (w1 * 9) & _MASK
    y = (y + v0 * 9 + _word(data, at + 40)) & _MASK
    z = (_rotr((z + w0) & _MASK, 33) * mul) & _MASK
    v0, v1 = _weak32(data, at, (v1 * mul) & _MASK, (x + w0) & _MASK)
    w0, w1 = _weak32(data, at + 32, (z + w1) & _MASK, (y + _word(data, at + 16)) & _MASK)
    x, z = z, x
    return _mix16((_mix16(v0, w0, mul) + _shift_mix(y) * _K0 + z) & _MASK, (_mix16(v1, w1, mul) + x) & _MASK, mul)


def fingerprint64_bytes(data):
    """Fingerprint64 of one bytes object, as a Python int in [0, 2**64)."""
    n = len(data)
    if n <= 16:
        return _short(data)
    if n <= 32:
        return _medium(data)
    if n <= 64:
        return _long(data)
    return _huge(data)


def fingerprint64(strings, encoding="utf-8"):
    """Fingerprint64 of each string (str are encoded with `encoding`, bytes taken as they are), as uint64."""
    return np.fromiter((fingerprint64_bytes(s if isinstance(s, bytes) else s.encode(encoding)) for s in strings),
                       dtype=np.uint64, count=len(strings))


_CAT_MUL = np.uint64(0xC6A4A7935BD1E995)


def _shift_mix_array(values):
    return values ^ (values >> np.uint64(47))


def fingerprint_cat64(first, second):
    """TensorFlow's `FingerprintCat64`: two 64-bit fingerprints folded into one, elementwise on uint64
    arrays (NumPy's unsigned arithmetic wraps modulo 2**64, as the C++ does). `tf.sparse.cross_hashed`,
    behind Keras' HashedCrossing, folds each feature's fingerprint into a running one with it."""
    with np.errstate(over="ignore"):
        result = np.asarray(first, dtype=np.uint64) ^ _CAT_MUL
        result = result ^ (_shift_mix_array(np.asarray(second, dtype=np.uint64) * _CAT_MUL) * _CAT_MUL)
        result = result * _CAT_MUL
        result = _shift_mix_array(result) * _CAT_MUL
        return _shift_mix_array(result)
