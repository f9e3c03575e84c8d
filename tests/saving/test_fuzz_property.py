"""Property-based fuzzing of loading: valid `.keras`, `.h5` and JSON files mutated by hypothesis (JSON
values, HDF5 objects and their storage, raw bytes) either load or raise a SavingError; never another
exception, a hang, code from the file, a read of a foreign file, a change to module globals, or
memory out of proportion to the model."""
import io
import json
import resource
import signal
import sys
import zipfile

import h5py
import numpy as np
import pytest
import torch

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import tkeras as keras  # noqa: E402
from tkeras.saving import SavingError, load_model, model_from_json  # noqa: E402

FOREIGN_VALUE = 4242.5  # what a foreign file holds: it must never reach a weight
MARKER = "PWNED-BY-FUZZ"

ADVERSARIAL_STRINGS = [
    "/etc/passwd", "/dev/zero", "../../etc/passwd", "tkeras.ops.math_ops.__setattr__", "builtins.print",
    "os.system", "tkeras.compat.tf_namespace._functions.print", "__lambda__", "function", "Lambda",
    "OperatorLayer", "Model", "Sequential", "Functional", "StringLookup", MARKER, "mul", "getitem", "",
]
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 40, 2 ** 40), st.floats(allow_nan=True),
                        st.sampled_from(ADVERSARIAL_STRINGS), st.text(max_size=12))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(
        ["class_name", "config", "module", "registered_name", "name", "operation", "operands", "vocabulary",
         "layers", "inbound_nodes", "function", "code", "keras_history", "__tensor__"]), inner, max_size=4)),
    max_leaves=12)


def _models():
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    functional = keras.Model(inputs, keras.ops.sum(hidden * 2.0, axis=1, keepdims=True))
    functional.compile(optimizer="adam", loss="mse")
    functional.fit(np.ones((4, 3), "float32"), np.ones((4, 1), "float32"), verbose=0)
    sequential = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dropout(0.1)])
    return functional, sequential


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz_property")
    files = {}
    # Seeded weights make the files, and so the derandomized mutations, the same in every run and in
    # any test order (the generators' state is restored afterwards).
    with torch.random.fork_rng():
        torch.manual_seed(0)
        models = _models()
    for index, model in enumerate(models):
        for suffix in (".keras", ".h5"):
            path = folder / f"m{index}{suffix}"
            model.save(path)
            files[f"m{index}{suffix}"] = path.read_bytes()
        files[f"m{index}.json"] = model.to_json().encode()
    foreign = folder / "foreign.bin"
    np.full(64, FOREIGN_VALUE, "float32").tofile(foreign)
    linked = folder / "linked.h5"
    with h5py.File(linked, "w") as h5:
        h5.create_dataset("data", data=np.full((4, 4), FOREIGN_VALUE, "float32"))
    return files, str(foreign), str(linked), folder


def _paths(node, trail=()):
    yield trail
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, trail + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, trail + (index,))


def _replace(node, trail, value):
    if not trail:
        return value
    parent = node
    for key in trail[:-1]:
        parent = parent[key]
    parent[trail[-1]] = value
    return node


def _mutate_json(config, data):
    for _ in range(data.draw(st.integers(1, 3))):
        trail = data.draw(st.sampled_from(list(_paths(config))))
        config = _replace(config, trail, data.draw(JSON_VALUES))
    return config


def _mutate_h5(h5, data, foreign, linked):
    datasets = []
    h5.visititems(lambda name, obj: datasets.append(name) if isinstance(obj, h5py.Dataset) else None)
    if not datasets:
        return
    name = data.draw(st.sampled_from(sorted(datasets)))
    shape = h5[name].shape
    kind = data.draw(st.sampled_from(["external", "soft", "link", "bomb", "shape", "dtype", "attr", "delete"]))
    if kind == "attr":
        holder = h5[name].parent
        holder.attrs[data.draw(st.sampled_from(["layer_names", "weight_names", "name", "keras_version"]))] = \
            data.draw(st.sampled_from(["", "{", MARKER, "1.0", "/etc/passwd"]))
        return
    del h5[name]
    if kind == "external":
        h5.create_dataset(name, shape=(4, 4), dtype="float32", external=[(foreign, 0, 64)])
    elif kind == "soft":
        h5.create_dataset(name + "_target", data=np.full(shape or (1,), FOREIGN_VALUE, "float32"))
        h5[name] = h5py.SoftLink("/" + name + "_target")
    elif kind == "link":
        h5[name] = h5py.ExternalLink(linked, "/data")
    elif kind == "bomb":
        side = data.draw(st.sampled_from([1000, 30000, 46341, 10 ** 6]))
        h5.create_dataset(name, shape=(side, side), dtype="float32", chunks=(64, 64), fillvalue=1.0,
                          compression="gzip")
    elif kind == "shape":
        h5.create_dataset(name, data=np.ones(tuple(s + 1 for s in shape) or (2,), "float32"))
    elif kind == "dtype":
        h5.create_dataset(name, data=np.array([b"x" * 8] * 2))


def _mutate_bytes(raw, data):
    raw = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    return bytes(raw)


def _mutated(name, raw, data, foreign, linked):
    how = data.draw(st.sampled_from(["json", "h5", "bytes"]))
    if how == "bytes" or (how == "h5" and name.endswith(".json")):
        return _mutate_bytes(raw, data)
    if name.endswith(".json"):
        return json.dumps(_mutate_json(json.loads(raw), data)).encode()
    if name.endswith(".keras"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = {n: archive.read(n) for n in archive.namelist()}
        if how == "json":
            members["config.json"] = json.dumps(_mutate_json(json.loads(members["config.json"]), data)).encode()
        else:
            buffer = io.BytesIO(members["model.weights.h5"])
            with h5py.File(buffer, "r+") as h5:
                _mutate_h5(h5, data, foreign, linked)
            members["model.weights.h5"] = buffer.getvalue()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for member, content in members.items():
                archive.writestr(member, content)
        return out.getvalue()
    buffer = io.BytesIO(raw)
    with h5py.File(buffer, "r+") as h5:
        if how == "json":
            h5.attrs["model_config"] = json.dumps(_mutate_json(json.loads(h5.attrs["model_config"]), data))
        else:
            _mutate_h5(h5, data, foreign, linked)
    return buffer.getvalue()


class _Timeout(BaseException):
    pass


def _load(path, name):
    def alarm(signum, frame):
        raise _Timeout(f"loading {name} took more than 20 s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(20)
    try:
        if name.endswith(".json"):
            return model_from_json(path.read_text(errors="replace"))
        return load_model(path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _module_state():
    # `__warningregistry__` is Python's record of warnings already shown from a module (a refused
    # compile config warns), not state a file could plant.
    return {name: {k: id(v) for k, v in vars(module).items() if k != "__warningregistry__"}
            for name, module in list(sys.modules.items()) if name.startswith("tkeras") and module is not None}


def test_mutated_files_load_or_raise_saving_errors(originals, capfd):
    files, foreign, linked, folder = originals
    import tkeras.compat.tf_namespace  # noqa: F401 - imported (and its ops listed) before the snapshot
    from tkeras.models import functional_ops
    functional_ops._operation_table()
    outcomes = {"loaded": 0, "refused": 0}
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    @settings(max_examples=160, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data):
        name = data.draw(st.sampled_from(sorted(files)))
        mutated = _mutated(name, files[name], data, foreign, linked)
        path = folder / f"fuzzed{name[name.index('.'):]}"
        path.write_bytes(mutated)
        try:
            model = _load(path, name)
        except SavingError:
            outcomes["refused"] += 1
            return
        outcomes["loaded"] += 1
        for weight in model.get_weights():
            assert not np.any(np.asarray(weight) == FOREIGN_VALUE), "a foreign file's data reached a weight"

    for name, raw in files.items():  # lazily loaded layer families and tables, loaded before the snapshot
        path = folder / f"clean{name[name.index('.'):]}"
        path.write_bytes(raw)
        _load(path, name)
    state = _module_state()
    check()
    assert _module_state() == state, "a file changed the globals of a tkeras module"
    assert MARKER not in "".join(capfd.readouterr()), "file-supplied text was printed"
    print(f"fuzzed loads: {outcomes}")
    assert outcomes["refused"] > 20 and outcomes["loaded"] > 5, outcomes
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mib < 1024, f"loading fuzzed files grew the peak memory by {grown_mib:.0f} MiB"
