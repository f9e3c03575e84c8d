"""The byte-level decoders of `tf.io` that TFRecord and CSV pipelines call in their map functions:
`serialize_tensor`/`parse_tensor` (TensorProto, so arrays stored in a bytes feature by TensorFlow read
back here and the other way round), `decode_raw`, `decode_csv`, web-safe base64 and `decode_compressed`.

Binary strings come back as BytesScalar/BytesArray (`tkeras/data/text_face.py`); CSV text fields stay
text (str), as the rest of tkeras' string ops expect.
"""
import base64
import csv
import gzip
import zlib

import numpy as np
import torch

from tkeras.utils import protowire as wire
from tkeras.compat.tf_namespace import errors
from tkeras.data.text_face import bytes_face, string, text_face
from tkeras.ops.core import for_user

# TensorFlow's DataType enum numbers for the dtypes tkeras has.
_ENUM = {torch.float32: 1, torch.float64: 2, torch.int32: 3, torch.uint8: 4, torch.int16: 5, torch.int8: 6,
         string: 7, torch.complex64: 8, torch.int64: 9, torch.bool: 10, torch.bfloat16: 14, torch.uint16: 17,
         torch.complex128: 18, torch.float16: 19, torch.uint32: 22, torch.uint64: 23}
_DTYPE = {number: dtype for dtype, number in _ENUM.items()}
_NAMES = {1: "float", 2: "double", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 7: "string", 8: "complex64",
          9: "int64", 10: "bool", 14: "bfloat16", 17: "uint16", 18: "complex128", 19: "half", 22: "uint32",
          23: "uint64"}


def _invalid(message, op):
    return errors.op_error(errors.InvalidArgumentError, message, op)


def _as_dtype(dtype, argument):
    from tkeras.compat.tf_namespace.dtypes import as_dtype
    if dtype in (string, "string", bytes, str, np.object_):
        return string
    resolved = dtype if isinstance(dtype, torch.dtype) else None
    if resolved is None:
        try:
            resolved = as_dtype(dtype)
        except (TypeError, ValueError):
            resolved = None
    if resolved not in _ENUM:
        raise TypeError(f"`{argument}` must be a TensorFlow dtype tkeras supports, received {dtype!r}")
    return resolved


def _binary(value, api, argument):
    """Strings in any of tkeras' forms -> an object array of bytes (str goes in as UTF-8)."""
    if isinstance(value, torch.Tensor):
        raise TypeError(f"tf.io.{api}: `{argument}` must be strings, received a {value.dtype} tensor")
    array = np.asarray(value, dtype=object)

    def one(item):
        if isinstance(item, str):
            return item.encode("utf-8")
        if isinstance(item, (bytes, bytearray, memoryview)):
            return bytes(item)
        raise TypeError(f"tf.io.{api}: `{argument}` must be strings, received {type(item).__name__}")
    out = np.empty(array.shape, dtype=object)
    for index, item in np.ndenumerate(array):
        out[index] = one(item)
    return out


def _bytes_face(array):
    return bytes_face(array)


# -- TensorProto --------------------------------------------------------------------------------------
def serialize_tensor(tensor, name=None):
    if isinstance(tensor, torch.Tensor):
        value = tensor.detach().cpu().contiguous().as_subclass(torch.Tensor)
        if value.dtype not in _ENUM:
            raise TypeError(f"tf.io.serialize_tensor: `tensor` has dtype {value.dtype}, which has no TensorProto form")
        shape, dtype = list(value.shape), value.dtype
    else:
        array = np.asarray(tensor)
        if array.dtype.kind in "USO":
            value, shape, dtype = _binary(array, "serialize_tensor", "tensor"), list(array.shape), string
        else:
            value = torch.from_numpy(np.ascontiguousarray(array.astype(np.float32) if array.dtype == np.float64
                                                          and not isinstance(tensor, np.ndarray) else array))
            shape, dtype = list(value.shape), value.dtype
    dims = b"".join(wire.length_field(2, wire.tag(1, wire.VARINT) + wire.varint(d) if d else b"") for d in shape)
    out = wire.tag(1, wire.VARINT) + wire.varint(_ENUM[dtype]) + wire.length_field(2, dims)
    if dtype == string:
        out += b"".join(wire.length_field(8, item) for item in value.reshape(-1))
    elif value.numel():
        out += wire.length_field(4, value.reshape(-1).view(torch.uint8).numpy().tobytes())
    return bytes_face(np.array(out, dtype=object))


def _shape_of(view):
    dims = []
    for number, wire_type, payload in wire.fields(view):
        if number == 2 and wire_type == wire.LENGTH:
            size = 0
            for inner, inner_type, value in wire.fields(payload):
                if inner == 1 and inner_type == wire.VARINT:
                    size = wire.as_int64(value)
            dims.append(size)
    return dims


_TYPED_FIELDS = {5: "floats", 6: "doubles", 7: "ints", 10: "ints", 11: "ints", 16: "ints", 17: "ints", 13: "ints"}


def parse_tensor(serialized, out_type, name=None):
    want = _as_dtype(out_type, "out_type")
    data = _binary(serialized, "parse_tensor", "serialized").reshape(-1)
    if data.size != 1:
        raise ValueError("tf.io.parse_tensor: `serialized` must be one serialized TensorProto")
    enum, shape, content, strings, typed = 0, [], None, [], []
    try:
        for number, wire_type, value in wire.fields(data[0]):
            if number == 1 and wire_type == wire.VARINT:
                enum = value
            elif number == 2 and wire_type == wire.LENGTH:
                shape = _shape_of(value)
            elif number == 4 and wire_type == wire.LENGTH:
                content = bytes(value)
            elif number == 8 and wire_type == wire.LENGTH:
                strings.append(bytes(value))
            elif number in _TYPED_FIELDS:
                if _TYPED_FIELDS[number] == "floats":
                    wire.read_floats(wire_type, value, typed)
                elif _TYPED_FIELDS[number] == "doubles":
                    typed.extend(np.frombuffer(bytes(value), "<f8").tolist() if wire_type == wire.LENGTH
                                 else np.frombuffer(value, "<f8").tolist())
                else:
                    wire.read_int64s(wire_type, value, typed)
    except wire.DecodeError:
        raise _invalid("Could not parse `serialized` as TensorProto", "ParseTensor") from None
    if enum != _ENUM[want]:
        raise _invalid(f"Type mismatch between parsed tensor ({_NAMES.get(enum, enum)}) and dtype "
                       f"({_NAMES[_ENUM[want]]})", "ParseTensor")
    count = int(np.prod(shape))
    if want == string:
        array = np.empty(count, dtype=object)
        array[:] = strings if len(strings) == count else (strings * count)[:count]
        return _bytes_face(array.reshape(shape))
    if content is not None:
        tensor = torch.frombuffer(bytearray(content), dtype=want).reshape(shape)
    else:  # a proto written with typed value fields: one value may stand for all
        values = typed if len(typed) == count else (typed[-1:] * count if typed else [0] * count)
        tensor = torch.tensor(values).to(want).reshape(shape)
    return for_user(tensor.clone())


# -- decode_raw, decode_compressed, base64 ------------------------------------------------------------
def decode_raw(input_bytes, out_type, little_endian=True, fixed_length=None, name=None):
    dtype = _as_dtype(out_type, "out_type")
    if dtype == string:
        raise TypeError("tf.io.decode_raw: `out_type` must be a numeric dtype, received tf.string")
    data = _binary(input_bytes, "decode_raw", "input_bytes")
    width = torch.empty((), dtype=dtype).element_size()
    rows = []
    for index, item in enumerate(data.reshape(-1)):
        if fixed_length is not None:
            item = item[:int(fixed_length)].ljust(int(fixed_length), b"\0")
        if len(item) % width:
            raise _invalid(f"Input to DecodeRaw has length {len(item)} that is not a multiple of {width}, the "
                           f"size of {_NAMES[_ENUM[dtype]]}", "DecodeRaw")
        if rows and len(item) != len(rows[0]):
            raise _invalid(f"DecodeRaw requires input strings to all be the same size, but element {index} has "
                           f"size {len(item)} != {len(rows[0])}", "DecodeRaw")
        rows.append(item)
    length = len(rows[0]) // width if rows else 0
    flat = torch.frombuffer(bytearray(b"".join(rows)), dtype=dtype) if rows and length else torch.empty(0, dtype=dtype)
    if not little_endian and width > 1:
        flat = torch.from_numpy(flat.numpy().byteswap())
    return for_user(flat.reshape(*data.shape, length).clone())


def decode_compressed(bytes, compression_type="", name=None):  # noqa: A002 - TensorFlow's argument name
    kind = (compression_type or "").upper()
    if kind not in ("", "ZLIB", "GZIP"):
        raise ValueError(f"tf.io.decode_compressed: `compression_type` must be '', 'ZLIB' or 'GZIP', received "
                         f"{compression_type!r}")
    data = _binary(bytes, "decode_compressed", "bytes")
    out = np.empty(data.shape, dtype=object)
    for index, item in np.ndenumerate(data):
        try:
            out[index] = zlib.decompress(item) if kind == "ZLIB" else gzip.decompress(item) if kind else item
        except (zlib.error, OSError, EOFError) as error:
            raise errors.DataLossError(None, None, f"tf.io.decode_compressed: corrupt {kind} data: {error}") from None
    return _bytes_face(out)


def encode_base64(input, pad=False, name=None):  # noqa: A002
    data = _binary(input, "encode_base64", "input")
    out = np.empty(data.shape, dtype=object)
    for index, item in np.ndenumerate(data):
        encoded = base64.urlsafe_b64encode(item)
        out[index] = encoded if pad else encoded.rstrip(b"=")
    return _bytes_face(out)


def decode_base64(input, name=None):  # noqa: A002
    data = _binary(input, "decode_base64", "input")
    out = np.empty(data.shape, dtype=object)
    for index, item in np.ndenumerate(data):
        try:
            out[index] = base64.urlsafe_b64decode(item.rstrip(b"=") + b"=" * (-len(item.rstrip(b"=")) % 4))
        except ValueError:
            raise _invalid(f"Invalid character found in base64: {item[:40]!r}", "DecodeBase64") from None
    return _bytes_face(out)


# -- decode_csv ------------------------------------------------------------------------------------------
def _column(default, index):
    """(dtype, default or None) of one CSV column from its record_defaults entry."""
    if isinstance(default, torch.Tensor):
        values, dtype = default.detach().cpu().reshape(-1).tolist(), default.dtype
    else:
        array = np.asarray(default if isinstance(default, (list, tuple, np.ndarray)) else [default])
        values = array.reshape(-1).tolist()
        kind = array.dtype.kind
        dtype = string if kind in "USO" else torch.float64 if array.dtype == np.float64 and isinstance(
            default, np.ndarray) else torch.float32 if kind == "f" else torch.int64 if array.dtype == np.int64 \
            and isinstance(default, np.ndarray) else torch.int32
    if dtype not in (torch.int32, torch.int64, torch.float32, torch.float64, string):
        raise TypeError(f"tf.io.decode_csv: record_defaults[{index}] has dtype {dtype}; use int32, int64, float32, "
                        f"float64 or string")
    if len(values) > 1:
        raise ValueError(f"tf.io.decode_csv: record_defaults[{index}] must hold at most one value, received "
                         f"{len(values)}")
    value = values[0] if values else None
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return dtype, value


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None, na_value="",
               select_cols=None):
    columns = [_column(default, i) for i, default in enumerate(record_defaults)]
    texts = np.asarray(records, dtype=object)
    wanted = list(select_cols) if select_cols is not None else None
    if wanted is not None and len(wanted) != len(columns):
        raise ValueError(f"tf.io.decode_csv: `select_cols` has {len(wanted)} entries but `record_defaults` has "
                         f"{len(columns)}")
    cells = [[] for _ in columns]
    for number, (_, record) in enumerate(np.ndenumerate(texts)):
        line = record.decode("utf-8") if isinstance(record, bytes) else str(record)
        reader = csv.reader([line], delimiter=field_delim, quoting=csv.QUOTE_MINIMAL if use_quote_delim
                            else csv.QUOTE_NONE)
        fields = next(reader, [""])
        if wanted is not None:
            if max(wanted) >= len(fields):
                raise _invalid(
                    f"Expect {max(wanted) + 1} fields but have {len(fields)} in record {number}", "DecodeCSV")
            fields = [fields[c] for c in wanted]
        if len(fields) != len(columns):
            raise _invalid(f"Expect {len(columns)} fields but have {len(fields)} in record {number}", "DecodeCSV")
        for c, ((dtype, default), text) in enumerate(zip(columns, fields)):
            if text == "" or (na_value and text == na_value):
                if default is None:
                    raise _invalid(f"Field {c} is required but missing in record {number}!", "DecodeCSV")
                cells[c].append(default)
                continue
            try:
                cells[c].append(text if dtype == string else (int(text) if dtype in (torch.int32, torch.int64)
                                                              else float(text)))
            except ValueError:
                raise _invalid(f"Field {c} in record {number} is not a valid "
                               f"{'int' if dtype in (torch.int32, torch.int64) else 'float'}: {text}",
                               "DecodeCSV") from None
    out = []
    for (dtype, _), values in zip(columns, cells):
        if dtype == string:
            out.append(text_face(np.array(values, dtype=str).reshape(texts.shape)))
        else:
            out.append(for_user(torch.tensor(values, dtype=dtype).reshape(texts.shape)))
    return out
