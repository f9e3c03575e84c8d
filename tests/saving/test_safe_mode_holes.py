"""Crafted files against the safe-loading policy (tkeras/saving/safe_mode.py), one test per hole.

Each file is built here. A foreign "secret" file and a marker prove that nothing outside the loaded
file is read and no code from it runs; module globals are compared before and after each load.
"""
import io
import json
import sys
import tracemalloc
import zipfile

import h5py
import numpy as np
import pytest

import tkeras as keras
from tkeras.saving import (FileLimitError, SavingError, UnsafeLoadError, load_model, model_from_json,
                           set_max_dataset_bytes)

SECRET = "TOP-SECRET-LINE"


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(f"{SECRET}\nsecond\n")
    return path


def _members(path):
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def _write_members(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _edit_config(path, edit):
    members = _members(path)
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    _write_members(path, members)


def _edit_weights(path, edit):
    members = _members(path)
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "r+") as h5:
        edit(h5)
    members["model.weights.h5"] = buffer.getvalue()
    _write_members(path, members)


def _dense_model(units=2, inputs=3):
    return keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(units)])


def _module_state():
    """id() of every global of every tkeras module: a load that sets one changes this."""
    return {name: {k: id(v) for k, v in vars(module).items()}
            for name, module in list(sys.modules.items()) if name.startswith("tkeras") and module is not None}


# -- 1. vocabulary paths ---------------------------------------------------------------------------
def _lookup_model(layer):
    inputs = keras.Input((1,), dtype="string")
    return keras.Model(inputs, layer(inputs))


@pytest.mark.parametrize("make", [
    lambda: keras.layers.StringLookup(vocabulary=["a", "b"]),
    lambda: keras.layers.TextVectorization(vocabulary=["a", "b"]),
])
def test_a_vocabulary_path_in_a_config_is_refused_in_safe_mode(tmp_path, secret, make):
    path = tmp_path / "m.keras"
    _lookup_model(make()).save(path)

    def point_at_secret(config):
        for layer in config["config"]["layers"]:
            if "vocabulary" in layer["config"]:
                layer["config"]["vocabulary"] = str(secret)
    _edit_config(path, point_at_secret)
    with pytest.raises(UnsafeLoadError, match=r"m\.keras|vocabulary file .*secret\.txt.*rule: foreign files"):
        load_model(path)
    loaded = load_model(path, safe_mode=False)  # the caller's opt-in, as in Keras
    assert SECRET in [str(t) for t in loaded.layers[-1].get_vocabulary()]


def test_a_vocabulary_path_reaches_no_device_even_when_trusted(tmp_path):
    config = json.loads(_lookup_model(keras.layers.StringLookup(vocabulary=["a"])).to_json())
    for layer in config["config"]["layers"]:
        if "vocabulary" in layer["config"]:
            layer["config"]["vocabulary"] = "/dev/zero"
    with pytest.raises(UnsafeLoadError, match="/dev/zero"):
        model_from_json(json.dumps(config))
    with pytest.raises(SavingError, match="/dev/zero.*not a regular file"):
        model_from_json(json.dumps(config), safe_mode=False)


def test_a_vocabulary_file_still_works_when_the_user_passes_it(secret):
    layer = keras.layers.StringLookup(vocabulary=str(secret))  # user code, no load in progress
    assert layer.get_vocabulary()[1:] == [SECRET, "second"]
    with pytest.raises(ValueError, match="StringLookup.*not a regular file"):
        keras.layers.StringLookup(vocabulary="/dev/zero")


# -- 2. HDF5 links and external storage -------------------------------------------------------------
def _external_dataset(h5, name, target, shape):
    del h5[name]
    h5.create_dataset(name, shape=shape, dtype="float32", external=[(str(target), 0, 4 * int(np.prod(shape)))])


def _foreign_float_file(tmp_path, shape):
    target = tmp_path / "foreign.bin"
    np.full(shape, 1234.5, "float32").tofile(target)
    return target


HOLES = {
    "external storage": lambda h5, name, tmp_path, shape: _external_dataset(
        h5, name, _foreign_float_file(tmp_path, shape), shape),
    "external link": lambda h5, name, tmp_path, shape: _external_link(h5, name, tmp_path, shape),
    "soft link": lambda h5, name, tmp_path, shape: _soft_link(h5, name, shape),
    "virtual dataset": lambda h5, name, tmp_path, shape: _virtual(h5, name, tmp_path, shape),
}


def _external_link(h5, name, tmp_path, shape):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.create_dataset("data", data=np.full(shape, 1234.5, "float32"))
    del h5[name]
    h5[name] = h5py.ExternalLink(str(other), "/data")


def _soft_link(h5, name, shape):
    h5.create_dataset("elsewhere", data=np.full(shape, 1234.5, "float32"))
    del h5[name]
    h5[name] = h5py.SoftLink("/elsewhere")


def _virtual(h5, name, tmp_path, shape):
    other = tmp_path / "source.h5"
    with h5py.File(other, "w") as f:
        f.create_dataset("data", data=np.full(shape, 1234.5, "float32"))
    layout = h5py.VirtualLayout(shape=shape, dtype="float32")
    layout[...] = h5py.VirtualSource(str(other), "data", shape=shape)
    del h5[name]
    h5.create_virtual_dataset(name, layout)


@pytest.mark.parametrize("hole", sorted(HOLES))
def test_hdf5_links_and_external_data_are_refused_in_keras_files(tmp_path, hole):
    path = tmp_path / "m.keras"
    model = _dense_model()
    model.save(path)
    _edit_weights(path, lambda h5: HOLES[hole](h5, "layers/dense/vars/0", tmp_path, (3, 2)))
    with pytest.raises(UnsafeLoadError, match=r"m\.keras.*layers/dense/vars/0.*rule: hdf5 links"):
        load_model(path)
    target = _dense_model()
    before = target.get_weights()
    with pytest.raises(UnsafeLoadError):
        target.load_weights(path)
    assert all(np.array_equal(a, b) for a, b in zip(before, target.get_weights()))


@pytest.mark.parametrize("hole", sorted(HOLES))
@pytest.mark.parametrize("suffix", [".weights.h5", ".h5"])
def test_hdf5_links_and_external_data_are_refused_in_h5_files(tmp_path, hole, suffix):
    path = tmp_path / f"m{suffix}"
    model = _dense_model()
    if suffix == ".h5":
        model.save(path)
        name = "model_weights/dense/dense/kernel:0"
    else:
        model.save_weights(path)
        name = "layers/dense/vars/0"
    with h5py.File(path, "r+") as h5:
        assert name in h5
        HOLES[hole](h5, name, tmp_path, (3, 2))
    target = _dense_model()
    before = target.get_weights()
    with pytest.raises(UnsafeLoadError, match="rule: hdf5 links"):
        target.load_weights(path)
    if suffix == ".h5":
        with pytest.raises(UnsafeLoadError, match="rule: hdf5 links"):
            load_model(path)
    assert not any((w == 1234.5).any() for w in target.get_weights())
    assert all(np.array_equal(a, b) for a, b in zip(before, target.get_weights()))


# -- 3. sizes and depth -----------------------------------------------------------------------------
def _fill_value_bomb(h5, name, shape):
    del h5[name]
    h5.create_dataset(name, shape=shape, dtype="float32", chunks=(64, 64), fillvalue=1.0, compression="gzip")


def test_a_shape_bomb_is_refused_before_any_read(tmp_path):
    path = tmp_path / "m.weights.h5"
    model = _dense_model()
    model.save_weights(path)
    with h5py.File(path, "r+") as h5:
        _fill_value_bomb(h5, "layers/dense/vars/0", (46341, 46341))  # 8 GiB declared
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(SavingError, match=r"\(46341, 46341\)"):
            model.load_weights(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2 ** 20


def test_the_declared_size_limit_applies_before_reading_and_is_configurable(tmp_path):
    path = tmp_path / "m.keras"
    model = _dense_model(units=64, inputs=64)  # a 16 KiB kernel
    model.save(path)
    set_max_dataset_bytes(8 * 1024)
    try:
        with pytest.raises(FileLimitError, match=r"layers/dense/vars/0.*\(64, 64\).*rule: dataset size"):
            load_model(path)
    finally:
        set_max_dataset_bytes(None)
    np.testing.assert_array_equal(load_model(path).get_weights()[0], model.get_weights()[0])
    with pytest.raises(ValueError, match="positive number of bytes"):
        set_max_dataset_bytes(-1)


def test_an_oversized_optimizer_state_is_not_read(tmp_path):
    path = tmp_path / "m.keras"
    model = _dense_model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    model.save(path)

    def bomb(h5):
        for key in list(h5["optimizer/vars"].keys()):
            _fill_value_bomb(h5, f"optimizer/vars/{key}", (46341, 46341))
    _edit_weights(path, bomb)
    with pytest.raises(FileLimitError, match=r"optimizer/vars/0.*8\.0 GiB.*rule: dataset size"):
        load_model(path)

    def smaller_bomb(h5):  # under the limit, but not the optimizer's shapes: matched by shape, never read
        for key in list(h5["optimizer/vars"].keys()):
            _fill_value_bomb(h5, f"optimizer/vars/{key}", (30000, 30000))
    _edit_weights(path, smaller_bomb)
    tracemalloc.start()
    try:
        with pytest.warns(UserWarning, match="skipping the optimizer state"):
            load_model(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2 ** 20


def _deep_json(depth):
    return '{"class_name": "Nest", "config": {"inner": ' * depth + '{"units": 1}' + "}}" * depth


def test_a_deeply_nested_config_is_a_file_limit_error(tmp_path):
    config = json.loads(_dense_model().to_json())
    config["config"]["layers"][0]["config"]["extra"] = "HERE"
    for depth in (300, 5000):  # within what json parses; beyond Python's recursion limit
        text = json.dumps(config).replace('"HERE"', _deep_json(depth))
        with pytest.raises(FileLimitError, match="rule: nesting"):
            model_from_json(text)
        path = tmp_path / f"m{depth}.keras"
        _dense_model().save(path)
        members = _members(path)
        members["config.json"] = text.encode()
        _write_members(path, members)
        with pytest.raises(FileLimitError, match=rf"m{depth}\.keras.*nested.*rule: nesting"):
            load_model(path)


# -- 4. module globals and printing ----------------------------------------------------------------
def _operator_entry(operation, operands, inbound="dense"):
    return {"module": "keras.models", "class_name": "OperatorLayer", "registered_name": None, "name": "op_evil",
            "config": {"name": "op_evil", "trainable": True, "dtype": "float32", "operation": operation,
                       "operands": operands, "keywords": {}},
            "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {
                "shape": [None, 2], "dtype": "float32", "keras_history": [inbound, 0, 0]}}], "kwargs": {}}]}


def _functional_with_op(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs) * 2.0)
    path = tmp_path / "op.keras"
    model.save(path)
    return path, model


EVIL_OPERATIONS = [
    ("tkeras.ops.math_ops.__setattr__", ["torch", 0]),
    ("tkeras.compat.tf_namespace._functions.print", ["PWNED-BY-FILE"]),
    ("builtins.print", ["PWNED-BY-FILE"]),
    ("os.system", ["echo PWNED-BY-FILE"]),
    ("tkeras.ops.core._leaves", [{"__tensor__": 0}]),
    ("tkeras.ops.core.np", [{"__tensor__": 0}]),
    ("__setattr__", ["torch", 0]),
    (["mul"], [{"__tensor__": 0}, 2.0]),
]


@pytest.mark.parametrize("operation,operands", EVIL_OPERATIONS, ids=[str(o[0]) for o in EVIL_OPERATIONS])
def test_an_operator_node_names_only_public_ops(tmp_path, capfd, operation, operands):
    path, _ = _functional_with_op(tmp_path)

    def swap(config):
        layers = config["config"]["layers"]
        layers[-1] = _operator_entry(operation, operands)
        config["config"]["output_layers"] = [["op_evil", 0, 0]]
    _edit_config(path, swap)
    import tkeras.compat.tf_namespace  # noqa: F401 - loaded and its ops listed before the snapshot
    keras.ops.load_all()  # likewise tkeras' own op modules (the loader imports them all, by a fixed list)
    from tkeras.models import functional_ops
    functional_ops._operation_table()
    state = _module_state()
    for safe_mode in (True, False):  # the allow-list holds even for a trusted file
        with pytest.raises(UnsafeLoadError, match=r"op_evil.*rule: operations"):
            load_model(path, safe_mode=safe_mode)
    assert _module_state() == state
    import torch

    import tkeras.ops.math_ops as math_ops
    assert math_ops.torch is torch
    assert "PWNED" not in "".join(capfd.readouterr())


def test_a_model_nested_under_any_class_name_gets_the_same_checks(tmp_path):
    """A Sequential holding `{"class_name": "Model"}`, whose own layers hold the evil operator."""
    path, _ = _functional_with_op(tmp_path)
    inner = json.loads(_members(path)["config.json"])
    inner["config"]["layers"][-1] = _operator_entry("tkeras.ops.math_ops.__setattr__", ["torch", 0])
    inner["config"]["output_layers"] = [["op_evil", 0, 0]]
    inner["class_name"] = "Model"
    outer = json.loads(_dense_model().to_json())
    outer["config"]["layers"].append(inner)
    import tkeras.compat.tf_namespace  # noqa: F401 - as above: every op module loaded and listed before the snapshot
    keras.ops.load_all()
    from tkeras.models import functional_ops
    functional_ops._operation_table()
    state = _module_state()
    with pytest.raises(UnsafeLoadError, match="rule: operations"):
        model_from_json(json.dumps(outer))
    assert _module_state() == state
    inner["config"]["layers"][-1] = {"class_name": "NotALayerAnywhere", "config": {"name": "x"}}
    with pytest.raises(SavingError, match="unknown class 'NotALayerAnywhere'"):
        model_from_json(json.dumps(outer))


# -- 5. operators round-trip -----------------------------------------------------------------------
def _operator_model():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(3)(inputs)
    doubled = hidden * 2.0 - 1.0
    summed = keras.ops.sum(doubled, axis=1, keepdims=True)
    sliced = doubled[:, 0:2]
    return keras.Model(inputs, [keras.ops.concatenate([sliced, summed], axis=-1), -hidden])


@pytest.mark.parametrize("route", ["keras", "h5", "json"])
def test_functional_models_with_operators_round_trip(tmp_path, route):
    model = _operator_model()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    if route == "json":
        loaded = model_from_json(model.to_json())
        loaded.set_weights(model.get_weights())
    else:
        model.save(tmp_path / f"m.{route}")
        loaded = load_model(tmp_path / f"m.{route}")
    kernel, bias = model.get_weights()
    hidden = x @ kernel + bias
    doubled = hidden * 2.0 - 1.0
    expected = [np.concatenate([doubled[:, :2], doubled.sum(1, keepdims=True)], -1), -hidden]
    for got, want in zip(loaded.predict(x, verbose=0), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# -- code from the file: a marker proves it never runs ---------------------------------------------
def test_lambda_bytecode_never_runs_in_safe_mode(tmp_path):
    marker = tmp_path / "ran.txt"
    marker_name = str(marker)
    path = tmp_path / "lambda.keras"
    inputs = keras.Input((2,))
    outputs = keras.layers.Lambda(lambda x: (open(marker_name, "w").close(), x * 3.0)[1])(inputs)
    keras.Model(inputs, outputs).save(path)
    marker.unlink(missing_ok=True)  # building the model traced the function once
    for call in (lambda: load_model(path), lambda: model_from_json(json.dumps(json.loads(_members(path)["config.json"])))):
        with pytest.raises(UnsafeLoadError, match="bytecode"):
            call()
        assert not marker.exists()
    trusted = load_model(path, safe_mode=False)  # the marker mechanism works: trusted code does run
    np.testing.assert_allclose(trusted.predict(np.ones((1, 2), "float32"), verbose=0), [[3.0, 3.0]])
    assert marker.exists()
