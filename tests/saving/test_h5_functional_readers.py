"""Functional `.h5` files across Keras releases. Recorded with real Keras
(tests/fixtures/check_h5_functional_readers.py): Keras 3.15.1 writes its own node format into a .h5
file and tf-keras 2.21 reads none of those files; tkeras writes Keras 2's node list where it can
express the call, so tf-keras 2.21 reads tkeras' files, and Keras 3.15.1 reads every one of them but the
MultiHeadAttention model, whose `.h5` layer config is tf-keras 2's (the three input shapes tf-keras 2
requires and Keras 3 refuses; Keras 3's own MHA config tf-keras 2 cannot build)."""
import json
import os

import h5py
import numpy as np
import pytest

import tkeras as keras
from tests.fixtures.check_h5_functional_readers import MODELS, _inputs, _node_formats, build
from tkeras.saving.tf_keras2_h5 import keras2_node, keras2_optimizer_config

RECORD = json.load(open(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures",
                                     "h5_functional_readers.json")))
TF_KERAS_READS = {"branches", "two_in_two_out", "shared_layer", "nested", "attention"}  # op node: Keras 3 nodes
KERAS3_READS = set(MODELS) - {"attention"}


def test_record_keras3_writes_its_own_node_format_that_tf_keras_cannot_read():
    assert RECORD["keras3"]["version"] == "3.15.1" and RECORD["tf_keras"]["version"] == "2.21.0"
    assert all(kinds == ["keras3_dict"] for kinds in RECORD["keras3"]["keras3_writes_nodes_as"].values())
    assert not any(RECORD["tf_keras"]["reads"][f"keras3_{name}"]["loaded"] for name in MODELS)


@pytest.mark.parametrize("name", MODELS)
def test_record_real_keras_reads_tkeras_files(name):
    keras3 = RECORD["keras3"]["reads_without_compile"][f"tkeras_{name}"]
    assert keras3["loaded"] == (name in KERAS3_READS)
    if keras3["loaded"]:
        assert keras3["max_abs_diff"] < 1e-5
    tf_keras = RECORD["tf_keras"]["reads"][f"tkeras_{name}"]
    assert tf_keras["loaded"] == (name in TF_KERAS_READS)
    if tf_keras["loaded"]:
        assert tf_keras["max_abs_diff"] < 1e-5


@pytest.mark.parametrize("name", MODELS)
def test_tkeras_writes_keras2_nodes_where_tf_keras_reads_them_and_reads_its_files(name, tmp_path):
    model = build(keras, name)
    model.compile("adam", "mse")
    path = str(tmp_path / f"{name}.h5")
    model.save(path)
    # An op node with a constant stays in Keras 3's spelling beside the Keras 2 nodes (Keras 3 reads both
    # per node).
    expected = {"op_node": ["keras2_list", "keras3_dict"]}.get(name, ["keras2_list"])
    assert _node_formats(path) == expected
    x = _inputs(model)
    again = keras.models.load_model(path)
    got, want = again.predict(x, verbose=0), model.predict(x, verbose=0)
    for g, w in zip(got if isinstance(got, list) else [got], want if isinstance(want, list) else [want]):
        np.testing.assert_allclose(g, w, atol=1e-6)
    with h5py.File(path, "r") as h5:
        optimizer = json.loads(h5.attrs["training_config"])["optimizer_config"]["config"]
    assert "use_ema" not in optimizer and "loss_scale_factor" not in optimizer and optimizer["beta_1"] == 0.9


def test_nodes_keras2_cannot_express_are_kept():
    tensor = {"class_name": "__keras_tensor__", "config": {"shape": [None, 2], "keras_history": ["q", 0, 0]}}
    by_keyword = {"args": [tensor], "kwargs": {"value": tensor}}
    assert keras2_node(by_keyword) is by_keyword
    with_constant = {"args": [tensor, 2.0], "kwargs": {}}
    assert keras2_node(with_constant) is with_constant
    assert keras2_node({"args": [[tensor, tensor]], "kwargs": {"training": False}}) == [
        ["q", 0, 0, {"training": False}], ["q", 0, 0, {"training": False}]]


def test_attention_tensors_beyond_the_first_go_by_name_as_tf_keras_writes_them():
    query = {"class_name": "__keras_tensor__", "config": {"shape": [None, 5, 8], "keras_history": ["q", 0, 0]}}
    value = {"class_name": "__keras_tensor__", "config": {"shape": [None, 3, 8], "keras_history": ["v", 0, 0]}}
    names = ("value", "key")
    assert keras2_node({"args": [query, value], "kwargs": {}}, names) == [["q", 0, 0, {"value": ["v", 0, 0]}]]
    assert keras2_node({"args": [query], "kwargs": {"value": value, "use_causal_mask": True}}, names) == [
        ["q", 0, 0, {"value": ["v", 0, 0], "use_causal_mask": True}]]
    too_many = {"args": [query, value, value, value], "kwargs": {}}
    assert keras2_node(too_many, names) is too_many
    nested = {"args": [query], "kwargs": {"value": [value]}}
    assert keras2_node(nested, names) is nested


def test_optimizer_arguments_only_left_out_at_their_defaults():
    config = {"class_name": "Adam", "config": {"learning_rate": 0.1, "use_ema": True, "weight_decay": None}}
    assert keras2_optimizer_config(config)["config"] == {"learning_rate": 0.1, "use_ema": True}
