"""Functional models that Keras 3 saved with raw ops in them (each op written as its Operation class,
`{"module": "keras.src.ops.numpy", "class_name": "Sum", ...}`) load in tkeras and predict what Keras
predicted; an op class outside tkeras' public ops is refused by the safe-loading rule on operations."""
import json
import os
import zipfile

import numpy as np
import pytest

from tkeras.saving import UnsafeLoadError, load_model

FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures")
KERAS_FILE = os.path.join(FIXTURES, "k3_op_nodes.keras")


def _reference():
    with open(os.path.join(FIXTURES, "op_nodes_io.json")) as f:
        data = json.load(f)
    return np.asarray(data["x"], "float32"), [np.asarray(o, "float32") for o in data["outputs"]]


def test_a_keras_3_model_of_raw_ops_predicts_as_keras(tmp_path):
    x, expected = _reference()
    model = load_model(KERAS_FILE)
    # Keras 3 lists only layers in `model.layers`; the op nodes are in the graph (and the summary).
    assert [layer.name for layer in model.operations][:4] == ["x", "dense", "multiply", "add"]
    assert [layer.name for layer in model.layers][:3] == ["x", "dense", "re_lu"]
    assert not any(getattr(layer, "_is_op_node", False) for layer in model.layers)
    for got, want in zip(model.predict(x, verbose=0), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    model.save(tmp_path / "again.keras")  # and it survives tkeras' own format
    for got, want in zip(load_model(tmp_path / "again.keras").predict(x, verbose=0), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("class_name", ["Setattr", "__Class__", "ConvertToNumpy", "Sum2"])
def test_an_op_class_that_is_not_a_public_op_is_refused(tmp_path, class_name):
    with zipfile.ZipFile(KERAS_FILE) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    config = json.loads(members["config.json"])
    entry = next(e for e in config["config"]["layers"] if e["class_name"] == "Sum")
    entry["class_name"] = entry["registered_name"] = class_name
    members["config.json"] = json.dumps(config).encode()
    path = tmp_path / "edited.keras"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(UnsafeLoadError, match=rf"op 'sum'.*{class_name}.*rule: operations"):
        load_model(path)


def test_tkeras_writes_its_op_nodes_as_keras_3_does(tmp_path):
    """What tkeras writes today is what real Keras was checked to read (record from
    tests/fixtures/check_op_nodes_in_real_keras.py; re-run it when this fails after a writer change)."""
    from tests.saving.op_model import build_op_model, op_model_input
    with open(os.path.join(FIXTURES, "real_keras_reads_tkeras_ops.json")) as f:
        record = json.load(f)
    assert record["loaded"] and record["max_abs_diff"] < 1e-5, record
    model = build_op_model()
    model.save(tmp_path / "ops.keras")
    with zipfile.ZipFile(tmp_path / "ops.keras") as archive:
        layers = json.loads(archive.read("config.json"))["config"]["layers"]
    assert [[e["module"], e["class_name"]] for e in layers] == record["entries"]
    x = op_model_input()
    for route in ("keras", "h5"):
        model.save(tmp_path / f"again.{route}")
        for got, want in zip(load_model(tmp_path / f"again.{route}").predict(x, verbose=0), model.predict(x, verbose=0)):
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_an_op_keras_cannot_express_keeps_tkeras_own_entry(tmp_path):
    import tkeras as keras
    from tkeras.compat import tf_namespace as tf
    inputs = keras.Input((3,))
    clipped = tf.clip_by_value(keras.layers.Dense(3)(inputs), -0.5, 0.5)  # no Keras op of that name
    model = keras.Model(inputs, clipped)
    model.save(tmp_path / "tf_op.keras")
    with zipfile.ZipFile(tmp_path / "tf_op.keras") as archive:
        entry = json.loads(archive.read("config.json"))["config"]["layers"][-1]
    assert entry["class_name"] == "OperatorLayer"
    assert entry["config"]["operation"].endswith("clip_by_value")
    x = np.random.default_rng(0).standard_normal((4, 3)).astype("float32") * 3
    np.testing.assert_allclose(load_model(tmp_path / "tf_op.keras").predict(x, verbose=0),
                               model.predict(x, verbose=0), rtol=1e-6)
