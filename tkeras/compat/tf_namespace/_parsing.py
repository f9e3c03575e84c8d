"""`tf.io.parse_single_example`, `parse_example` and `parse_single_sequence_example` with their feature specs.

A TFRecord pipeline's map function turns each serialized Example into a dict of tensors. The records
are read straight from the wire (`utils/protowire.py`), not through the Example classes, because this runs
once per record. Results keep TensorFlow's dtypes (int64, float32, binary strings as NumPy object
arrays of bytes) and its error texts, so `except tf.errors.InvalidArgumentError` and logs read the same.
"""
import collections

import numpy as np
import torch

from tkeras.utils import protowire as wire
from tkeras.compat.tf_namespace import errors
from tkeras.compat.tf_namespace.sparse import SparseTensor
from tkeras.data.text_face import bytes_face
from tkeras.ops.core import for_user

FixedLenFeature = collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"],
                                         defaults=[None])
FixedLenSequenceFeature = collections.namedtuple(
    "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"], defaults=[False, None])
VarLenFeature = collections.namedtuple("VarLenFeature", ["dtype"])


class RaggedFeature(collections.namedtuple(
        "RaggedFeature", ["dtype", "value_key", "partitions", "row_splits_dtype", "validate"],
        defaults=[None, (), "int32", False])):
    """A feature whose value lists differ in length between examples, parsed into RaggedTensor rows
    (`parse_example`) or a 1-D tensor (`parse_single_example`): VarLenFeature without the sparse indices.
    `value_key` names the feature to read (default: the spec's key). Partitions (more ragged dimensions
    read from other features) are not supported."""


_KINDS = {"int64": "int64_list", "float32": "float_list", "string": "bytes_list"}
_TF_NAMES = {"int64": "int64", "float32": "float", "string": "string", "int64_list": "int64",
             "float_list": "float", "bytes_list": "string"}


def _dtype(dtype, key):
    name = dtype if isinstance(dtype, str) else getattr(dtype, "name", None) or str(dtype).replace("torch.", "")
    name = {"float": "float32", "bytes": "string", "str": "string", "object": "string"}.get(name, name)
    if name not in _KINDS:
        raise ValueError(f"feature {key!r}: `dtype` must be tf.int64, tf.float32 or tf.string, received {dtype!r}")
    return name


def _shape(shape, key):
    dims = [] if shape is None else ([shape] if isinstance(shape, int) else list(shape))
    if any(d is None or int(d) < 0 for d in dims):
        raise ValueError(f"feature {key!r}: `shape` must be fully defined, received {shape!r}")
    return [int(d) for d in dims]


def _invalid(message):
    return errors.op_error(errors.InvalidArgumentError, message, "ParseExampleV2")


# -- reading Examples off the wire ------------------------------------------------------------------
def _feature(view):
    """(kind, values) of one serialized Feature; kind None when no list is set."""
    kind, values = None, []
    for number, wire_type, payload in wire.fields(view):
        if wire_type != wire.LENGTH or number not in (1, 2, 3):
            continue
        kind, values = ("bytes_list", "float_list", "int64_list")[number - 1], []
        for inner, inner_type, value in wire.fields(payload):
            if inner != 1:
                continue
            if kind == "bytes_list":
                values.append(bytes(value))
            elif kind == "float_list":
                wire.read_floats(inner_type, value, values)
            else:
                wire.read_int64s(inner_type, value, values)
    return kind, values


def _map_entries(view):
    for number, wire_type, entry in wire.fields(view):
        if number != 1 or wire_type != wire.LENGTH:
            continue
        key, value = "", memoryview(b"")
        for entry_number, entry_type, part in wire.fields(entry):
            if entry_number == 1 and entry_type == wire.LENGTH:
                key = bytes(part).decode("utf-8")
            elif entry_number == 2 and entry_type == wire.LENGTH:
                value = part
        yield key, value


def _features(view):
    return {key: _feature(value) for key, value in _map_entries(view)}


def _message_field(view, wanted):
    found = memoryview(b"")
    for number, wire_type, payload in wire.fields(view):
        if number == wanted and wire_type == wire.LENGTH:
            found = payload
    return found


def _serialized(value, api):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"tf.io.{api}: `serialized` must be a serialized proto (bytes), received {type(value).__name__}")


def _decode(serialized, reader, what):
    try:
        return reader(memoryview(serialized))
    except (wire.DecodeError, UnicodeDecodeError):
        shown = serialized[:60].decode("utf-8", "backslashreplace")
        raise _invalid(f"Could not parse {what} input, value: '{shown}'") from None


# -- building results --------------------------------------------------------------------------------
def _array(values, dtype, shape):
    if dtype == "string":
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return array.reshape(shape)
    return np.asarray(values, dtype=np.int64 if dtype == "int64" else np.float32).reshape(shape)


def _tensor(array):
    if array.dtype == object:
        return array
    return torch.from_numpy(np.require(array, requirements="C"))  # 0-d stays 0-d


def _default(spec, key, dtype, shape):
    values = spec.default_value
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    array = np.asarray(values, dtype=object if dtype == "string" else None)
    if dtype == "string":
        array = np.vectorize(lambda v: v.encode("utf-8") if isinstance(v, str) else bytes(v), otypes=[object])(
            array) if array.size else array
    count = int(np.prod(shape))
    if array.size != count:
        if array.size == 1:  # one default value fills the feature
            array = np.full(count, array.reshape(-1)[0], dtype=array.dtype)
        else:
            raise ValueError(f"feature {key!r}: `default_value` has {array.size} values, the shape {shape} needs "
                             f"{count}")
    return _array(list(array.reshape(-1)), dtype, shape)


class _BytesSparseTensor(SparseTensor):
    """A SparseTensor of binary strings: torch has no string dtype, so the values stay a NumPy array."""

    def __init__(self, indices, values, dense_shape):
        self._indices = torch.as_tensor(indices, dtype=torch.int64).reshape(-1, len(dense_shape))
        self._values = values
        self._dense_shape = torch.as_tensor(dense_shape, dtype=torch.int64)

    values = property(lambda self: bytes_face(self._values))
    dtype = property(lambda self: "string")

    def __array__(self, dtype=None, copy=None):
        raise TypeError("a SparseTensor of strings has no dense NumPy form in tkeras; read `.values`")


def _sparse(rows, dtype, lead_shape):
    """A SparseTensor from one value list per leading index (an example, a time step, or both)."""
    indices, flat = [], []
    for position, values in rows:
        indices.extend([*position, i] for i in range(len(values)))
        flat.extend(values)
    width = max((len(values) for _, values in rows), default=0)
    dense_shape = [*lead_shape, width]
    indices = np.asarray(indices, dtype=np.int64).reshape(-1, len(dense_shape))
    values = _array(flat, dtype, [len(flat)])
    if dtype == "string":
        return _BytesSparseTensor(indices, values, dense_shape)
    return SparseTensor(indices, torch.from_numpy(values), dense_shape)


def _check_kind(key, kind, dtype, sparse):
    if kind is not None and kind != _KINDS[dtype]:
        if sparse:
            raise _invalid(f"Key: {key}.  Data types don't match. Expected type: {_TF_NAMES[dtype]}, Actual type: "
                           f"{_TF_NAMES[kind]}")
        raise _invalid(f"Key: {key}.  Data types don't match. Data type: {_TF_NAMES[kind]} but expected type: "
                       f"{_TF_NAMES[dtype]}")


def _dense(key, spec, dtype, found):
    """One example's FixedLenFeature / FixedLenSequenceFeature value as an array."""
    shape = _shape(spec.shape, key)
    kind, values = found if found is not None else (None, [])
    sequence = isinstance(spec, FixedLenSequenceFeature)
    if kind is None:
        if sequence:
            return _array([], dtype, [0, *shape])
        if spec.default_value is None:
            raise _invalid(f"Feature: {key} (data type: {_TF_NAMES[dtype]}) is required but could not be found.")
        return _default(spec, key, dtype, shape)
    _check_kind(key, kind, dtype, sparse=False)
    count = int(np.prod(shape))
    if (sequence and (count == 0 or len(values) % count)) or (not sequence and len(values) != count):
        raise _invalid(f"Key: {key}.  Can't parse serialized Example: Some {kind} slice was not parsed. "
                       f"({len(values)} values, the shape {shape} needs {'a multiple of ' if sequence else ''}"
                       f"{count})")
    return _array(values, dtype, [-1, *shape] if sequence else shape)


def _check_specs(features, api):
    if not isinstance(features, dict) or not features:
        raise ValueError(f"tf.io.{api}: `features` must be a non-empty dict of feature name -> FixedLenFeature / "
                         f"VarLenFeature / FixedLenSequenceFeature, received {features!r}")
    checked = {}
    for key, spec in features.items():
        if not isinstance(spec, (FixedLenFeature, VarLenFeature, FixedLenSequenceFeature, RaggedFeature)):
            raise ValueError(f"tf.io.{api}: feature {key!r} has an unsupported spec {type(spec).__name__}")
        if isinstance(spec, FixedLenSequenceFeature) and not spec.allow_missing:
            raise ValueError(f"tf.io.{api}: feature {key!r}: FixedLenSequenceFeature needs allow_missing=True "
                             f"outside sequence examples")
        if isinstance(spec, RaggedFeature) and spec.partitions:
            raise ValueError(f"tf.io.{api}: feature {key!r}: RaggedFeature partitions are not supported in "
                             f"tkeras (one ragged dimension, from the value list, is)")
        checked[key] = (spec, _dtype(spec.dtype, key))
    # TensorFlow hands the parsed dict back with the VarLen (sparse) features first, then the dense
    # ones, then the ragged ones, each group sorted by name, whatever order `features` was written in;
    # printing it shows that.
    order = sorted(checked, key=lambda key: (_RESULT_GROUP.get(type(checked[key][0]), 1), key))
    return {key: checked[key] for key in order}


_RESULT_GROUP = {VarLenFeature: 0, RaggedFeature: 2}


def _ragged_values(key, spec, dtype, found):
    """The value list a RaggedFeature reads, as a 1-D array (empty where the example lacks the feature)."""
    kind, values = found.get(spec.value_key or key, (None, []))
    _check_kind(key, kind, dtype, sparse=True)
    return _array(values, dtype, [len(values)])


def _face(result):
    return for_user({key: bytes_face(value) if isinstance(value, np.ndarray) else value
                     for key, value in result.items()})


def _example_features(serialized, api):
    data = _serialized(serialized, api)
    return _decode(data, lambda view: _features(_message_field(view, 1)), "example")


def parse_single_example(serialized, features, name=None, example_names=None):
    """One serialized tf.train.Example -> {feature name: tensor or SparseTensor}."""
    specs = _check_specs(features, "parse_single_example")
    found = _example_features(serialized, "parse_single_example")
    result = {}
    for key, (spec, dtype) in specs.items():
        if isinstance(spec, VarLenFeature):
            kind, values = found.get(key, (None, []))
            _check_kind(key, kind, dtype, sparse=True)
            result[key] = _sparse([((), values)], dtype, [])
        elif isinstance(spec, RaggedFeature):
            result[key] = _tensor(_ragged_values(key, spec, dtype, found))
        else:
            result[key] = _tensor(_dense(key, spec, dtype, found.get(key)))
    return _face(result)


def _records(serialized, api):
    if isinstance(serialized, torch.Tensor):
        raise TypeError(f"tf.io.{api}: `serialized` must be a vector of serialized protos, received a "
                        f"{serialized.dtype} tensor")
    if isinstance(serialized, np.ndarray):
        return list(serialized.reshape(-1))
    if isinstance(serialized, (bytes, str)):
        raise ValueError(f"tf.io.{api}: `serialized` must be a vector (a batch) of serialized protos; use "
                         f"tf.io.parse_single_example for one")
    return list(serialized)


def parse_example(serialized, features, example_names=None, name=None):
    """A batch of serialized Examples -> {name: [batch, ...] tensor, or SparseTensor for VarLenFeature}.
    FixedLenSequenceFeature values are padded to the batch's longest with `default_value` (else 0 / b"")."""
    specs = _check_specs(features, "parse_example")
    batch = [_example_features(record, "parse_example") for record in _records(serialized, "parse_example")]
    result = {}
    for key, (spec, dtype) in specs.items():
        if isinstance(spec, VarLenFeature):
            rows = []
            for index, found in enumerate(batch):
                kind, values = found.get(key, (None, []))
                _check_kind(key, kind, dtype, sparse=True)
                rows.append(((index,), values))
            result[key] = _sparse(rows, dtype, [len(batch)])
            continue
        if isinstance(spec, RaggedFeature):
            from tkeras.compat.tf_namespace._ragged_tensor import RaggedTensor
            rows = [_ragged_values(key, spec, dtype, found) for found in batch]
            flat = np.concatenate(rows) if rows else _array([], dtype, [0])
            values = flat if dtype == "string" else torch.from_numpy(flat)
            result[key] = RaggedTensor.from_row_lengths(values, [len(r) for r in rows])
            continue
        parts = [_dense(key, spec, dtype, found.get(key)) for found in batch]
        if isinstance(spec, FixedLenSequenceFeature):
            longest = max((len(p) for p in parts), default=0)
            pad = spec.default_value if spec.default_value is not None else (b"" if dtype == "string" else 0)
            filler = _array([pad] * int(np.prod(_shape(spec.shape, key))), dtype, _shape(spec.shape, key))
            parts = [np.concatenate([p, np.repeat(filler[None], longest - len(p), 0)]) if len(p) < longest else p
                     for p in parts]
        shape = [len(batch), *(parts[0].shape if parts else _shape(spec.shape, key))]
        stacked = np.stack(parts) if parts else _array([], dtype, [0, *shape[1:]])
        result[key] = _tensor(stacked.reshape(shape))
    return _face(result)


def _sequence_parts(view):
    context = _features(_message_field(view, 1))
    lists = {key: [_feature(item) for number, wire_type, item in wire.fields(value)
                   if number == 1 and wire_type == wire.LENGTH]
             for key, value in _map_entries(_message_field(view, 2))}
    return context, lists


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None, example_name=None,
                                  name=None):
    """One serialized tf.train.SequenceExample -> (context dict, sequence dict). Sequence features are
    [steps, ...] tensors (FixedLenSequenceFeature) or [steps, longest] SparseTensors (VarLenFeature)."""
    data = _serialized(serialized, "parse_single_sequence_example")
    context, lists = _decode(data, _sequence_parts, "sequence example")
    context_out = {}
    for key, (spec, dtype) in (_check_specs(context_features, "parse_single_sequence_example")
                               if context_features else {}).items():
        if isinstance(spec, VarLenFeature):
            kind, values = context.get(key, (None, []))
            _check_kind(key, kind, dtype, sparse=True)
            context_out[key] = _sparse([((), values)], dtype, [])
        else:
            context_out[key] = _tensor(_dense(key, spec, dtype, context.get(key)))
    sequence_out = {}
    for key, spec in (sequence_features or {}).items():
        dtype = _dtype(spec.dtype, key)
        steps = lists.get(key)
        if steps is None:
            if isinstance(spec, FixedLenSequenceFeature) and not spec.allow_missing:
                raise _invalid(f"Name: <unknown>, Feature list '{key}' is required but could not be found.  Did you "
                               f"mean to include it in feature_list_dense_missing_assumed_empty or "
                               f"feature_list_dense_defaults?")
            steps = []
        if isinstance(spec, VarLenFeature):
            for kind, _ in steps:
                _check_kind(key, kind, dtype, sparse=True)
            sequence_out[key] = _sparse([((t,), values) for t, (_, values) in enumerate(steps)], dtype, [len(steps)])
        elif isinstance(spec, FixedLenSequenceFeature):
            shape = _shape(spec.shape, key)
            rows = [_dense(key, FixedLenFeature(shape, spec.dtype), dtype, step) for step in steps]
            sequence_out[key] = _tensor(np.stack(rows) if rows else _array([], dtype, [0, *shape]))
        else:
            raise ValueError(f"tf.io.parse_single_sequence_example: sequence feature {key!r} must be a "
                             f"FixedLenSequenceFeature or VarLenFeature, received {type(spec).__name__}")
    return _face(context_out), _face(sequence_out)
