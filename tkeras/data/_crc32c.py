"""CRC-32C (Castagnoli), the checksum TFRecord files carry, without a compiled extension.

Short inputs (record headers, small records) go through a byte-at-a-time table loop. Long ones are
cut into many equal lanes whose CRCs NumPy advances together, one byte column per step; the lane
CRCs are then folded pairwise. Folding works because a CRC register is linear over GF(2): feeding
n zero bytes is a fixed 32x32 bit matrix, so CRC(A + B) = shift(CRC(A), len(B)) xor CRC(B) when both
start from a zero register. The standard all-ones start is added at the end the same way.
"""
import functools

import numpy as np

_POLY = 0x82F63B78  # the Castagnoli polynomial, bit-reversed
_MASK_DELTA = 0xA282EAD8


def _byte_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (_POLY if crc & 1 else 0)
        table.append(crc)
    return table


_TABLE = _byte_table()
_NP_TABLE = np.array(_TABLE, dtype=np.uint32)
_LANE_THRESHOLD = 2048  # below this the plain loop is cheaper than NumPy's per-call cost


def _raw_loop(register, data):
    table = _TABLE
    for byte in data:
        register = table[(register ^ byte) & 0xFF] ^ (register >> 8)
    return register


# A GF(2) matrix is a tuple of 32 ints: column i is the image of register bit i.
def _apply(matrix, vector):
    out, bit = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[bit]
        vector >>= 1
        bit += 1
    return out


def _square(matrix):
    return tuple(_apply(matrix, column) for column in matrix)


@functools.lru_cache(maxsize=None)
def _zero_bytes_power(k):
    """The matrix that feeds 2**k zero bytes into a register."""
    if k == 0:
        one_bit = (_POLY,) + tuple(1 << (i - 1) for i in range(1, 32))  # one zero bit
        matrix = one_bit
        for _ in range(3):  # 2, 4, 8 bits
            matrix = _square(matrix)
        return matrix
    return _square(_zero_bytes_power(k - 1))


def _shift(register, n):
    """The register after n zero bytes."""
    k = 0
    while n:
        if n & 1:
            register = _apply(_zero_bytes_power(k), register)
        n >>= 1
        k += 1
    return register


@functools.lru_cache(maxsize=64)
def _shift_matrix(n):
    columns = tuple(_shift(1 << bit, n) for bit in range(32))
    return np.array(columns, dtype=np.uint32)


def _apply_many(columns, registers):
    out = np.zeros_like(registers)
    for bit in range(32):
        out ^= ((registers >> np.uint32(bit)) & np.uint32(1)) * columns[bit]
    return out


def _raw_lanes(data):
    """The zero-start register after `data`, computed across lanes (see the module docstring)."""
    n = len(data)
    lanes = 1 << max(4, min(16, int(np.sqrt(n)).bit_length()))
    width = -(-n // lanes)
    padded = np.zeros(lanes * width, dtype=np.uint8)  # leading zeros leave a zero register at zero
    padded[lanes * width - n:] = np.frombuffer(data, dtype=np.uint8)
    columns = np.ascontiguousarray(padded.reshape(lanes, width).T).astype(np.uint32)
    registers = np.zeros(lanes, dtype=np.uint32)
    table, low = _NP_TABLE, np.uint32(0xFF)
    eight = np.uint32(8)
    for column in columns:
        registers = table[(registers ^ column) & low] ^ (registers >> eight)
    while len(registers) > 1:
        registers = _apply_many(_shift_matrix(width), registers[0::2]) ^ registers[1::2]
        width *= 2
    return int(registers[0])


def crc32c(data):
    """CRC-32C of a bytes-like object, as an int."""
    data = memoryview(data).cast("B") if not isinstance(data, bytes) else data
    if len(data) < _LANE_THRESHOLD:
        return _raw_loop(0xFFFFFFFF, data) ^ 0xFFFFFFFF
    return _raw_lanes(bytes(data)) ^ _shift(0xFFFFFFFF, len(data)) ^ 0xFFFFFFFF


def masked_crc32c(data):
    """The rotated-and-offset CRC TFRecord stores, so a CRC of data that itself holds CRCs stays strong."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF
