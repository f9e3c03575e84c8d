"""TensorFlow's own checkpoint files (its "tensor bundle"), read without TensorFlow.

A checkpoint trained with TensorFlow (the `training_checkpoints/ckpt-N` that translation tutorials
save) keeps its `.index` as a LevelDB-style sorted table: data blocks of prefix-compressed keys, an
index block pointing at them and a fixed 48-byte footer ending in the table's magic number. Each key
is a variable's checkpoint name and its value a BundleEntryProto (dtype, shape, shard, byte range in
that shard's `.data-XXXXX-of-YYYYY` file). Numeric values are stored as raw little-endian arrays, so
reading them needs only this table walk and numpy; nothing in the files is ever executed.
"""
import os
import struct

from tkeras.utils import protowire as wire

_TABLE_MAGIC = 0xDB4775248B80FB57
_FOOTER_SIZE = 48
_BLOCK_TRAILER_SIZE = 5  # compression type byte + crc32c
_NO_COMPRESSION = 0

# TensorFlow's DataType enum -> the dtype names tkeras' checkpoint reader uses.
_DTYPES = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 8: "complex64",
           9: "int64", 10: "bool", 14: "bfloat16", 18: "complex128", 19: "float16"}
_STRING = 7


def is_tensor_bundle(index_path):
    """Whether `index_path` ends in the sorted-table magic number TensorFlow's `.index` files carry."""
    try:
        with open(index_path, "rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() < _FOOTER_SIZE:
                return False
            f.seek(-8, os.SEEK_END)
            return struct.unpack("<Q", f.read(8))[0] == _TABLE_MAGIC
    except OSError:
        return False


def _block_handle(buffer, pos):
    offset, pos = wire.read_varint(buffer, pos)
    size, pos = wire.read_varint(buffer, pos)
    return (offset, size), pos


def _block(table, handle, index_path):
    offset, size = handle
    if offset + size + _BLOCK_TRAILER_SIZE > len(table):
        raise ValueError(f"{index_path!r}: a block runs past the end of the file (truncated checkpoint?)")
    if table[offset + size] != _NO_COMPRESSION:
        raise ValueError(f"{index_path!r}: compressed table blocks are not supported (TensorFlow writes "
                         f"checkpoint indexes uncompressed)")
    return table[offset:offset + size]


def _block_entries(block):
    """(key, value) pairs of one block: each entry shares a prefix with the previous key."""
    if len(block) < 4:
        return
    num_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    end = len(block) - 4 - 4 * num_restarts
    pos, key = 0, b""
    while pos < end:
        shared, pos = wire.read_varint(block, pos)
        unshared, pos = wire.read_varint(block, pos)
        value_size, pos = wire.read_varint(block, pos)
        key = key[:shared] + bytes(block[pos:pos + unshared])
        pos += unshared
        yield key, block[pos:pos + value_size]
        pos += value_size


def _shape(payload):
    dims = []
    for number, _, value in wire.fields(payload):
        if number == 2:  # TensorShapeProto.dim
            size = 0
            for dim_number, _, dim_value in wire.fields(value):
                if dim_number == 1:
                    size = wire.as_int64(dim_value)
            dims.append(size)
    return dims


def _entry(payload):
    entry = {"dtype": 0, "shape": [], "shard": 0, "offset": 0, "nbytes": 0, "sliced": False}
    for number, _, value in wire.fields(payload):
        if number == 1:
            entry["dtype"] = value
        elif number == 2:
            entry["shape"] = _shape(value)
        elif number == 3:
            entry["shard"] = value
        elif number == 4:
            entry["offset"] = value
        elif number == 5:
            entry["nbytes"] = value
        elif number == 7:
            entry["sliced"] = True
    return entry


def read_index(prefix):
    """{checkpoint key: {"dtype", "shape", "shard", "offset", "nbytes"}} for the numeric values of a
    TensorFlow checkpoint, and the number of data shards. String values (the object graph TensorFlow
    stores as `_CHECKPOINTABLE_OBJECT_GRAPH`) and partitioned variables are left out."""
    index_path = prefix + ".index"
    with open(index_path, "rb") as f:
        table = f.read()
    footer = memoryview(table)[len(table) - _FOOTER_SIZE:]
    _, pos = _block_handle(footer, 0)  # the metaindex block: unused by tensor bundles
    index_handle, _ = _block_handle(footer, pos)
    view = memoryview(table)
    entries, num_shards = {}, 1
    for _, handle_bytes in _block_entries(_block(view, index_handle, index_path)):
        handle, _ = _block_handle(handle_bytes, 0)
        for key, value in _block_entries(_block(view, handle, index_path)):
            if key == b"":  # BundleHeaderProto
                for number, _, header_value in wire.fields(value):
                    if number == 1:
                        num_shards = header_value
                    elif number == 2 and header_value != 0:
                        raise ValueError(f"{index_path!r}: a big-endian TensorFlow checkpoint is not supported")
                continue
            entry = _entry(value)
            if entry["dtype"] == _STRING or entry.pop("sliced"):
                continue
            if entry["dtype"] not in _DTYPES:
                raise ValueError(f"{index_path!r}: value {key.decode()!r} has TensorFlow dtype number "
                                 f"{entry['dtype']}, which tkeras cannot read")
            entry["dtype"] = _DTYPES[entry["dtype"]]
            entries[key.decode("utf-8")] = entry
    return entries, num_shards


def read_shards(prefix, num_shards):
    """The bytes of each `.data-XXXXX-of-YYYYY` file of the checkpoint, by shard number."""
    shards = []
    for shard in range(num_shards):
        with open(f"{prefix}.data-{shard:05d}-of-{num_shards:05d}", "rb") as f:
            shards.append(f.read())
    return shards
