"""The few pieces of the protocol-buffer wire format that tf.train.Example, TensorProto, TensorFlow's
checkpoint index and TensorBoard's event files need.

Written by hand because `protobuf` is not a tkeras dependency. Only what those messages use is here:
varints (int64 as ten-byte two's complement when negative), length-delimited fields, fixed32 and
fixed64, and packed repeated numbers. Encoding follows the canonical writer (fields in number order,
repeated numbers packed) so the bytes match TensorFlow's; decoding also accepts the unpacked forms any
valid writer may emit, and skips fields it does not know.
"""
import struct

import numpy as np

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


class DecodeError(ValueError):
    """Bytes that are not a valid message of the expected type."""


def varint(value):
    value &= 0xFFFFFFFFFFFFFFFF  # negative int64s go out as their 64-bit two's complement
    if value < 0x80:
        return bytes((value,))
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def tag(number, wire_type):
    return varint((number << 3) | wire_type)


def length_field(number, payload):
    return tag(number, LENGTH) + varint(len(payload)) + payload


def read_varint(buffer, pos):
    result, shift = 0, 0
    end = len(buffer)
    while True:
        if pos >= end:
            raise DecodeError("truncated varint")
        byte = buffer[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise DecodeError("varint longer than 10 bytes")


def as_int64(value):
    value &= 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


def fields(buffer, start=0, end=None):
    """(field number, wire type, value) for each field of one message; LENGTH values are memoryview
    slices, VARINT values ints, FIXED32/FIXED64 values raw bytes."""
    view = memoryview(buffer)
    pos, end = start, len(view) if end is None else end
    while pos < end:
        key, pos = read_varint(view, pos)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise DecodeError("field number 0")
        if wire_type == VARINT:
            value, pos = read_varint(view, pos)
        elif wire_type == LENGTH:
            size, pos = read_varint(view, pos)
            if pos + size > end:
                raise DecodeError("length-delimited field runs past the end")
            value, pos = view[pos:pos + size], pos + size
        elif wire_type in (FIXED32, FIXED64):
            width = 4 if wire_type == FIXED32 else 8
            if pos + width > end:
                raise DecodeError("fixed-width field runs past the end")
            value, pos = bytes(view[pos:pos + width]), pos + width
        else:
            raise DecodeError(f"unsupported wire type {wire_type}")
        yield number, wire_type, value


def packed_int64(values):
    return b"".join(varint(int(v)) for v in values)


def packed_float(values):
    return np.asarray(values, dtype="<f4").tobytes()


def unpack_varints(payload):
    out, pos, view = [], 0, memoryview(payload)
    while pos < len(view):
        value, pos = read_varint(view, pos)
        out.append(as_int64(value))
    return out


def unpack_floats(payload):
    if len(payload) % 4:
        raise DecodeError("packed float field is not a multiple of 4 bytes")
    return np.frombuffer(payload, dtype="<f4").tolist()


def read_int64s(wire_type, value, into):
    """A repeated int64 field's occurrence, packed or not, appended to `into`."""
    if wire_type == LENGTH:
        into.extend(unpack_varints(value))
    elif wire_type == VARINT:
        into.append(as_int64(value))
    else:
        raise DecodeError("int64 field with a non-integer wire type")


def read_floats(wire_type, value, into):
    if wire_type == LENGTH:
        into.extend(unpack_floats(value))
    elif wire_type == FIXED32:
        into.append(struct.unpack("<f", value)[0])
    else:
        raise DecodeError("float field with a non-float wire type")
