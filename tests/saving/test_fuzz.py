"""Mutated files (bytes, JSON fields, HDF5 attributes) end in a clean tkeras error or a load; never a
crash, a hang, or code from the file running. Seeded, so a failure reproduces."""
import io
import json
import random
import signal
import zipfile

import h5py
import numpy as np
import pytest

import tkeras as keras
from tkeras.saving import SavingError, load_model

CLEAN = (SavingError, FileNotFoundError)


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dropout(0.2), keras.layers.Dense(2)])
    model.save(folder / "m.keras")
    model.save(folder / "m.h5")
    return {"keras": (folder / "m.keras").read_bytes(), "h5": (folder / "m.h5").read_bytes()}


class _Timeout(Exception):
    pass


def _load_within(path, seconds=10):
    def alarm(signum, frame):
        raise _Timeout(f"loading {path} took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        return load_model(path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _outcome_is_clean(path):
    try:
        model = _load_within(path)
    except CLEAN:
        return "error"
    model.predict(np.zeros((2, 3), "float32"), verbose=0)  # a load must give a working model
    return "loaded"


def _flip_bytes(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


_JSON_VALUES = [None, -1, 0, 10 ** 12, 1e308, "", "x" * 50, [], {}, [None], {"class_name": "Nope"}, True,
                {"class_name": "__lambda__", "config": {"code": "AAAA"}}, "../../etc/passwd", -0.5]


def _mutate_json(node, rng):
    """Replace one random value somewhere in the config tree."""
    paths = []

    def walk(value, trail):
        if isinstance(value, dict):
            for k, v in value.items():
                paths.append(trail + [k])
                walk(v, trail + [k])
        elif isinstance(value, list):
            for i, v in enumerate(value):
                paths.append(trail + [i])
                walk(v, trail + [i])
    walk(node, [])
    target = rng.choice(paths)
    parent = node
    for key in target[:-1]:
        parent = parent[key]
    if rng.random() < 0.2 and isinstance(parent, dict):
        del parent[target[-1]]
    else:
        parent[target[-1]] = rng.choice(_JSON_VALUES)
    return node


def _rewrite_zip(data, config=None, weights=None):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    if config is not None:
        members["config.json"] = json.dumps(config).encode()
    if weights is not None:
        members["model.weights.h5"] = weights
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, member in members.items():
            archive.writestr(name, member)
    return out.getvalue()


def _mutate_h5(data, rng, attribute_only=False):
    buffer = io.BytesIO(data)
    with h5py.File(buffer, "r+") as h5:
        objects = []
        h5.visititems(lambda name, obj: objects.append(name))
        if attribute_only or not objects or rng.random() < 0.5:
            holders = [h5] + [h5[n] for n in objects if h5[n].attrs.keys()]
            holder = rng.choice(holders)
            if holder.attrs.keys():
                key = rng.choice(list(holder.attrs.keys()))
                holder.attrs[key] = rng.choice(["", "{", "[1, 2", json.dumps({"class_name": 5}), np.arange(3),
                                                 b"\xff\xfe", "null"])
        else:
            name = rng.choice(objects)
            if isinstance(h5[name], h5py.Dataset) and rng.random() < 0.5:
                shape = h5[name].shape
                del h5[name]
                h5.create_dataset(name, data=np.ones(tuple(s + 1 for s in shape) or (2,), "float32"))
            else:
                del h5[name]
    return buffer.getvalue()


def test_fuzzed_files_load_or_fail_cleanly(originals, tmp_path):
    rng = random.Random(1234)
    outcomes = {"error": 0, "loaded": 0}
    for trial in range(300):
        kind = rng.choice(["keras", "h5"])
        data = originals[kind]
        how = rng.choice(["bytes", "json", "h5"])
        if how == "bytes":
            data = _flip_bytes(data, rng)
        elif how == "json" and kind == "keras":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                config = json.loads(archive.read("config.json"))
            data = _rewrite_zip(data, config=_mutate_json(config, rng))
        elif how == "json":
            buffer = io.BytesIO(data)
            with h5py.File(buffer, "r+") as h5:
                config = json.loads(h5.attrs["model_config"])
                h5.attrs["model_config"] = json.dumps(_mutate_json(config, rng))
            data = buffer.getvalue()
        elif kind == "keras":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                weights = archive.read("model.weights.h5")
            data = _rewrite_zip(data, weights=_mutate_h5(weights, rng))
        else:
            data = _mutate_h5(data, rng)
        path = tmp_path / f"fuzz_{trial}.{kind if kind == 'h5' else 'keras'}"
        path.write_bytes(data)
        outcomes[_outcome_is_clean(path)] += 1
    assert outcomes["error"] > 20  # the mutations do break files; each break was reported cleanly
