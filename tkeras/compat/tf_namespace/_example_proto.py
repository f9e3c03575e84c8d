"""`tf.train.Example` and its parts as plain Python classes with protobuf's surface.

Tutorials build records as `tf.train.Example(features=tf.train.Features(feature={...}))`, write
`example.SerializeToString()` into a TFRecord file, and read fields back as
`example.features.feature["x"].int64_list.value`. These classes keep those keywords, that attribute
access and protobuf's presence rules (reading an unset sub-message gives an empty one without setting
it; changing it, or looking a key up in a map, sets it and every parent), and write the same bytes as
TensorFlow (wire encoding in `utils/protowire.py`).

Map entries are written in the order of TensorFlow's `deterministic=True` (see `_map_order`). Without
that flag TensorFlow's protobuf runtime writes them in a hash order that changes from process to
process, so the deterministic order is both one TensorFlow writes and the only reproducible one.
"""
import operator

import numpy as np

from tkeras.utils import protowire as wire


def _map_order(key):
    """Byte order, except that a key sorts before its own prefixes ("ids" before "id"): the order
    TensorFlow's protobuf runtime uses for deterministic output, matched so files compare equal."""
    return (*key.encode("utf-8"), 256)


_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def _as_int64(value):
    number = operator.index(value)
    if not _INT64_MIN <= number <= _INT64_MAX:
        raise ValueError(f"Value out of range: {number}")
    return number


def _as_float32(value):
    if isinstance(value, (str, bytes)):
        raise TypeError(f"must be real number, not {type(value).__name__}")
    return float(np.float32(value))


def _as_bytes(value):
    if isinstance(value, str):
        raise TypeError("expected bytes, str found")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"expected bytes, {type(value).__name__} found")


def _items(values, field):
    if hasattr(values, "numpy") and not isinstance(values, np.ndarray):
        values = values.numpy()
    if isinstance(values, np.ndarray):
        return values.reshape(-1).tolist() if values.dtype.kind in "iufb" else list(values.reshape(-1))
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"`{field}` must be a list of values, received {type(values).__name__}")
    return values


class _Repeated(list):
    """A repeated field: converts what goes in, and marks its message as set when changed."""

    def __init__(self, owner, convert, values=()):
        super().__init__(convert(v) for v in values)
        self._owner, self._convert = owner, convert

    def _item(self, value):
        item = self._convert(value)
        if isinstance(item, Message):  # an element changed later makes the list's message set
            item._hook = self._owner._touch
        return item

    def append(self, value):
        super().append(self._item(value))
        self._owner._touch()

    def extend(self, values):
        super().extend(self._item(v) for v in _items(values, "value"))
        self._owner._touch()

    def insert(self, index, value):
        super().insert(index, self._item(value))
        self._owner._touch()

    def __setitem__(self, index, value):
        converted = [self._item(v) for v in value] if isinstance(index, slice) else self._item(value)
        super().__setitem__(index, converted)
        self._owner._touch()

    def add(self, **kwargs):  # repeated messages: protobuf's way to append a new element
        item = self._convert(None)
        for key, value in kwargs.items():
            setattr(item, key, value)
        self.append(item)
        return item

    def __reduce__(self):
        return list, (list(self),)

    def __eq__(self, other):
        return list(self) == list(other)

    __hash__ = None


class _MessageMap(dict):
    """map<string, Message>: looking up a missing key adds an empty entry, as protobuf does."""

    def __init__(self, owner, value_type, entries=None):
        super().__init__()
        self._owner, self._value_type = owner, value_type
        for key, value in (entries or {}).items():
            self[key] = value

    def _check_key(self, key):
        if isinstance(key, bytes):
            key = key.decode("utf-8")
        if not isinstance(key, str):
            raise TypeError(f"map keys must be str, received {type(key).__name__}")
        return key

    def __missing__(self, key):
        value = self._value_type()
        self[key] = value
        return value

    def __getitem__(self, key):
        return super().__getitem__(self._check_key(key))

    def __setitem__(self, key, value):
        if not isinstance(value, self._value_type):
            raise TypeError(f"map values must be {self._value_type.__name__}, received {type(value).__name__}")
        value._hook = self._owner._touch
        super().__setitem__(self._check_key(key), value)
        self._owner._touch()

    def get_or_create(self, key):
        return self[key]


class _Field:
    """One declared field: `kind` is message, map, messages, int64s, floats or bytes."""

    def __init__(self, number, kind, value_type=None):
        self.number, self.kind, self.value_type = number, kind, value_type

    def __set_name__(self, owner, name):
        self.name = name

    def fresh(self, message):
        if self.kind == "map":
            return _MessageMap(message, self.value_type)
        if self.kind == "messages":
            return _Repeated(message, self._message_item)
        return _Repeated(message, {"int64s": _as_int64, "floats": _as_float32, "bytes": _as_bytes}[self.kind])

    def _message_item(self, value):
        if value is None:
            return self.value_type()
        if not isinstance(value, self.value_type):
            raise TypeError(f"`{self.name}` holds {self.value_type.__name__} messages, received "
                            f"{type(value).__name__}")
        return value

    def __get__(self, message, owner=None):
        if message is None:
            return self
        if self.name in message._set:
            return message._set[self.name]
        if self.kind != "message":
            return message._set.setdefault(self.name, self.fresh(message))
        child = message._lazy.get(self.name)
        if child is None:
            child = message._lazy[self.name] = self.value_type()
            child._hook = lambda: message._mark(self.name, child)
        return child

    def __set__(self, message, value):
        if self.kind == "message":
            if not isinstance(value, self.value_type):
                raise TypeError(f"{type(message).__name__}.{self.name} must be a {self.value_type.__name__}, "
                                f"received {type(value).__name__}")
            value._hook = lambda: message._mark(self.name, value)
            message._mark(self.name, value)
            return
        target = self.fresh(message)
        if self.kind == "map":
            if not isinstance(value, dict):
                raise TypeError(f"{type(message).__name__}.{self.name} must be a dict, received "
                                f"{type(value).__name__}")
            for key, item in value.items():
                target[key] = item
        else:
            for item in _items(value, self.name):
                list.append(target, target._item(item))
        message._set[self.name] = target
        message._touch()


class Message:
    """What every message class shares: presence tracking, wire encoding, text form."""

    _ONEOF = ()
    _TYPE_NAME = "tensorflow.Message"

    def __init__(self, **fields):
        self._hook, self._set, self._lazy = None, {}, {}
        for name, value in fields.items():
            if name not in self._fields():
                raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {name!r}")
            if value is not None:
                setattr(self, name, value)

    @classmethod
    def _fields(cls):
        table = cls.__dict__.get("_field_table")
        if table is None:  # built once per class: decoding asks for it on every nested message
            table = {name: field for klass in reversed(cls.__mro__) for name, field in vars(klass).items()
                     if isinstance(field, _Field)}
            table = dict(sorted(table.items(), key=lambda item: item[1].number))
            cls._field_table = table
            cls._by_number = {field.number: (name, field) for name, field in table.items()}
        return table

    def _touch(self):
        if self._hook is not None:
            self._hook()

    def _mark(self, name, child):
        if self._set.get(name) is child:
            return
        self._set[name] = child
        self._lazy.pop(name, None)
        if name in self._ONEOF:
            for other in self._ONEOF:
                if other != name:
                    self._set.pop(other, None)
                    self._lazy.pop(other, None)
        self._touch()

    # -- protobuf's methods ----------------------------------------------------------------------
    def HasField(self, field_name):  # noqa: N802 - protobuf's method names
        field = self._fields().get(field_name)
        if field is None or field.kind != "message":
            raise ValueError(f"Protocol message {type(self).__name__} has no singular {field_name!r} field.")
        return field_name in self._set

    def WhichOneof(self, oneof_group):  # noqa: N802
        if not self._ONEOF or oneof_group != "kind":
            raise ValueError(f"Protocol message has no oneof {oneof_group!r} field.")
        return next((name for name in self._ONEOF if name in self._set), None)

    def ClearField(self, field_name):  # noqa: N802
        self._set.pop(field_name, None)
        self._lazy.pop(field_name, None)

    def Clear(self):  # noqa: N802
        self._set, self._lazy = {}, {}

    def SerializeToString(self, deterministic=None):  # noqa: N802
        return self._encode()

    SerializePartialToString = SerializeToString

    def ByteSize(self):  # noqa: N802
        return len(self._encode())

    @classmethod
    def FromString(cls, serialized):  # noqa: N802
        message = cls()
        message.MergeFromString(serialized)
        return message

    def ParseFromString(self, serialized):  # noqa: N802
        self.Clear()
        return self.MergeFromString(serialized)

    def MergeFromString(self, serialized):  # noqa: N802
        if isinstance(serialized, str) or not isinstance(serialized, (bytes, bytearray, memoryview)):
            raise TypeError(f"{type(self).__name__}.ParseFromString: `serialized` must be bytes, received "
                            f"{type(serialized).__name__}")
        try:
            self._decode(memoryview(serialized))
        except (wire.DecodeError, UnicodeDecodeError) as error:
            raise wire.DecodeError(f"Error parsing message with type '{self._TYPE_NAME}': {error}") from None
        self._touch()
        return len(serialized)

    def CopyFrom(self, other):  # noqa: N802
        if type(other) is not type(self):
            raise TypeError(f"CopyFrom: expected {type(self).__name__}, received {type(other).__name__}")
        self.ParseFromString(other._encode())

    def MergeFrom(self, other):  # noqa: N802
        self.MergeFromString(other._encode())

    def __eq__(self, other):
        return type(other) is type(self) and other._encode() == self._encode()

    __hash__ = None

    def __str__(self):
        return "".join(self._text(0))

    __repr__ = __str__

    def __reduce__(self):
        return type(self).FromString, (self._encode(),)

    # -- wire format -----------------------------------------------------------------------------
    def _encode(self):
        out = []
        for name, field in self._fields().items():
            if name not in self._set:
                continue
            value = self._set[name]
            if field.kind == "message":
                out.append(wire.length_field(field.number, value._encode()))
            elif field.kind == "map":
                for key in sorted(value, key=_map_order):
                    entry = wire.length_field(1, key.encode("utf-8")) + wire.length_field(2, value[key]._encode())
                    out.append(wire.length_field(field.number, entry))
            elif field.kind == "messages":
                out.extend(wire.length_field(field.number, item._encode()) for item in value)
            elif field.kind == "bytes":
                out.extend(wire.length_field(field.number, item) for item in value)
            elif value:
                packed = wire.packed_int64(value) if field.kind == "int64s" else wire.packed_float(value)
                out.append(wire.length_field(field.number, packed))
        return b"".join(out)

    def _decode(self, view):
        self._fields()
        by_number = type(self)._by_number
        for number, wire_type, value in wire.fields(view):
            if number not in by_number:
                continue  # unknown fields are dropped
            name, field = by_number[number]
            target = getattr(self, name)
            if field.kind in ("message", "map", "messages", "bytes") and wire_type != wire.LENGTH:
                raise wire.DecodeError(f"field {name!r} has wire type {wire_type}")
            if field.kind == "message":
                target._decode(value)
                target._touch()
            elif field.kind == "map":
                key, item = "", field.value_type()
                for entry_number, entry_type, entry_value in wire.fields(value):
                    if entry_number == 1 and entry_type == wire.LENGTH:
                        key = bytes(entry_value).decode("utf-8")
                    elif entry_number == 2 and entry_type == wire.LENGTH:
                        item._decode(entry_value)
                target[key] = item
            elif field.kind == "messages":
                item = field.value_type()
                item._decode(value)
                target.append(item)
            elif field.kind == "bytes":
                list.append(target, bytes(value))
            elif field.kind == "int64s":
                wire.read_int64s(wire_type, value, target)
            else:
                wire.read_floats(wire_type, value, target)
            if field.kind != "message":
                self._touch()

    # -- text form (what print(example) shows) ---------------------------------------------------
    def _text(self, depth):
        pad = "  " * depth
        for name, field in self._fields().items():
            if name not in self._set:
                continue
            value = self._set[name]
            if field.kind == "message":
                yield from _text_block(pad, name, value, depth)
            elif field.kind == "map":
                for key in sorted(value):
                    yield f"{pad}{name} {{\n{pad}  key: {_quote(key.encode('utf-8'))}\n"
                    yield from _text_block(pad + "  ", "value", value[key], depth + 1)
                    yield f"{pad}}}\n"
            elif field.kind == "messages":
                for item in value:
                    yield from _text_block(pad, name, item, depth)
            else:
                for item in value:
                    shown = _quote(item) if field.kind == "bytes" else (
                        str(np.float32(item)) if field.kind == "floats" else str(item))
                    yield f"{pad}{name}: {shown}\n"


def _text_block(pad, name, message, depth):
    yield f"{pad}{name} {{\n"
    yield from message._text(depth + 1)
    yield f"{pad}}}\n"


_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"', ord("'"): "\\'",
            ord("\\"): "\\\\"}


def _quote(data):
    return '"' + "".join(_ESCAPES.get(b, chr(b) if 32 <= b < 127 else f"\\{b:03o}") for b in data) + '"'


class BytesList(Message):
    _TYPE_NAME = "tensorflow.BytesList"
    value = _Field(1, "bytes")


class FloatList(Message):
    _TYPE_NAME = "tensorflow.FloatList"
    value = _Field(1, "floats")


class Int64List(Message):
    _TYPE_NAME = "tensorflow.Int64List"
    value = _Field(1, "int64s")


class Feature(Message):
    """One of bytes_list, float_list or int64_list (protobuf's oneof "kind"): setting one clears the others."""
    _TYPE_NAME = "tensorflow.Feature"
    _ONEOF = ("bytes_list", "float_list", "int64_list")
    bytes_list = _Field(1, "message", BytesList)
    float_list = _Field(2, "message", FloatList)
    int64_list = _Field(3, "message", Int64List)

    def __init__(self, **fields):
        if sum(fields.get(name) is not None for name in self._ONEOF) > 1:
            raise ValueError("Feature: set only one of bytes_list, float_list, int64_list (they share a oneof)")
        super().__init__(**fields)


class Features(Message):
    _TYPE_NAME = "tensorflow.Features"
    feature = _Field(1, "map", Feature)


class FeatureList(Message):
    _TYPE_NAME = "tensorflow.FeatureList"
    feature = _Field(1, "messages", Feature)


class FeatureLists(Message):
    _TYPE_NAME = "tensorflow.FeatureLists"
    feature_list = _Field(1, "map", FeatureList)


class Example(Message):
    _TYPE_NAME = "tensorflow.Example"
    features = _Field(1, "message", Features)


class SequenceExample(Message):
    _TYPE_NAME = "tensorflow.SequenceExample"
    context = _Field(1, "message", Features)
    feature_lists = _Field(2, "message", FeatureLists)


def feature_values(feature):
    """(kind, values) of a Feature: kind is "bytes_list", "float_list", "int64_list" or None when unset."""
    kind = feature.WhichOneof("kind")
    return kind, (list(getattr(feature, kind).value) if kind else [])
