"""The bytes of a tkeras checkpoint: a JSON index next to one flat data file, with no pickle anywhere.

The two files carry TensorFlow's suffixes (`<prefix>.index`, `<prefix>.data-00000-of-00001`) so that
scripts that look for `*.index` or delete a checkpoint's files find them where TensorFlow puts them.
The index holds, per value, its dtype, shape and byte range in the data file (as safetensors lays it
out), plus the object layout `checkpoint.py` needs to put values back; reading it never runs code.
Checkpoints TensorFlow wrote are read too (`_tf_bundle.py`), by value name only.
"""
import json
import os

import numpy as np
import torch

from tkeras.compat.tf_namespace import _tf_bundle, errors

FORMAT = "tkeras-checkpoint"
DATA_SUFFIX = ".data-00000-of-00001"
INDEX_SUFFIX = ".index"

_DTYPES = {str(d).replace("torch.", ""): d for d in (
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8, torch.int16, torch.int32,
    torch.int64, torch.uint8, torch.bool, torch.complex64, torch.complex128)}


def _plain(value):
    tensor = value.detach() if isinstance(value, torch.Tensor) else torch.as_tensor(np.asarray(value))
    if type(tensor) is not torch.Tensor:
        tensor = tensor.as_subclass(torch.Tensor)
    return tensor.cpu().contiguous()


def write(prefix, tensors, layout):
    """Write `tensors` ({key: tensor}) and `layout` (JSON-able) under `prefix`; returns the prefix."""
    directory = os.path.dirname(prefix)
    if directory:
        os.makedirs(directory, exist_ok=True)
    entries, offset = {}, 0
    data_path, index_path = prefix + DATA_SUFFIX, prefix + INDEX_SUFFIX
    with open(data_path + ".tmp", "wb") as data:
        for key in sorted(tensors):
            tensor = _plain(tensors[key])
            name = str(tensor.dtype).replace("torch.", "")
            if name not in _DTYPES:
                raise TypeError(f"tf.train.Checkpoint cannot store {key!r}: dtype {tensor.dtype} is not supported")
            raw = tensor.reshape(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b""
            data.write(raw)
            entries[key] = {"dtype": name, "shape": list(tensor.shape), "offset": offset, "nbytes": len(raw)}
            offset += len(raw)
    index = {"format": FORMAT, "version": 1, "tensors": entries, "layout": layout}
    with open(index_path + ".tmp", "w") as f:
        json.dump(index, f)
    # Renamed into place so that a crash never leaves a half-written checkpoint behind a valid name.
    os.replace(data_path + ".tmp", data_path)
    os.replace(index_path + ".tmp", index_path)
    return prefix


def exists(prefix):
    return os.path.isfile(os.fspath(prefix) + INDEX_SUFFIX)


class Reader:
    """The values of one checkpoint, read on demand."""

    def __init__(self, prefix):
        prefix = os.fspath(prefix)
        if not exists(prefix):
            raise errors.op_error(errors.NotFoundError,
                                  f"No checkpoint found at {prefix!r} (expected the file {prefix + INDEX_SUFFIX!r})")
        self.prefix = prefix
        if _tf_bundle.is_tensor_bundle(prefix + INDEX_SUFFIX):
            # Written by TensorFlow: values by name only (no tkeras layout), which restores variables and
            # tf.train.Checkpoint trees by their checkpoint names and serves tf.train.load_checkpoint.
            self.entries, num_shards = _tf_bundle.read_index(prefix)
            self.layout = {}
            self._shards = _tf_bundle.read_shards(prefix, num_shards)
            return
        try:
            with open(prefix + INDEX_SUFFIX, encoding="utf-8") as f:
                index = json.load(f)
        except (UnicodeDecodeError, json.JSONDecodeError):
            index = {}
        if not isinstance(index, dict) or index.get("format") != FORMAT:
            raise ValueError(f"{prefix!r} is neither a tkeras checkpoint nor a TensorFlow one tkeras can read "
                             f"(its {INDEX_SUFFIX!r} file has an unknown layout)")
        self.entries = index["tensors"]
        self.layout = index["layout"]
        with open(prefix + DATA_SUFFIX, "rb") as f:
            self._shards = [f.read()]

    def keys(self):
        return sorted(self.entries)

    def shape(self, key):
        return list(self.entries[key]["shape"])

    def tensor(self, key):
        entry = self.entries[key]
        dtype = _DTYPES[entry["dtype"]]
        raw = self._shards[entry.get("shard", 0)][entry["offset"]:entry["offset"] + entry["nbytes"]]
        if not raw:
            return torch.zeros(entry["shape"], dtype=dtype)
        flat = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(dtype)
        return flat.reshape(entry["shape"])
