"""Models used as layers inside a functional model, in `.keras` files shared with real Keras 3.

`k3_nested.keras` was written by Keras 3 (tests/fixtures/make_nested_golden.py): a Functional and a
Sequential nested in a functional model. Keras keeps a nested model's weights under its own `layers/`
list and writes Functional (not a public Keras name) by its source module and registered name.
"""
import json
import os
import zipfile

import numpy as np

import tkeras as keras
from tests.keras_files import weight_shapes

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")


def _golden():
    with open(os.path.join(FIXTURES, "nested_io.json")) as f:
        return json.load(f)


def _config(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


def test_a_keras_file_with_nested_models_loads_with_keras_predictions():
    golden = _golden()
    model = keras.models.load_model(os.path.join(FIXTURES, "k3_nested.keras"))
    assert [type(l).__name__ for l in model.layers][1:3] == ["Functional", "Sequential"]
    x = np.array(golden["x"], dtype="float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.array(golden["y"]), rtol=1e-5, atol=1e-6)


def test_a_saved_nested_model_has_keras_paths_and_class_entries(tmp_path):
    golden_path = os.path.join(FIXTURES, "k3_nested.keras")
    path = tmp_path / "nested.keras"
    keras.models.load_model(golden_path).save(path)
    assert sorted(weight_shapes(path)) == _golden()["weight_paths"]
    ours, theirs = _config(path), _config(golden_path)

    def entries(config):
        return [(config["module"], config["class_name"], config["registered_name"])] + [
            (l["module"], l["class_name"], l["registered_name"]) for l in config["config"]["layers"]]
    assert entries(ours) == entries(theirs)
    assert ours["module"] == "keras.src.models.functional" and ours["registered_name"] == "Functional"


def test_a_freshly_built_nested_model_round_trips(tmp_path):
    inner_in = keras.Input((4,))
    inner = keras.Model(inner_in, keras.layers.Dense(3, activation="tanh")(inner_in), name="inner")
    outer_in = keras.Input((4,))
    model = keras.Model(outer_in, keras.layers.Dense(1)(inner(outer_in)))
    path = tmp_path / "fresh.keras"
    model.save(path)
    assert sorted(weight_shapes(path)) == ["layers/dense/vars/0", "layers/dense/vars/1",
                                   "layers/functional/layers/dense/vars/0", "layers/functional/layers/dense/vars/1"]
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    np.testing.assert_allclose(keras.models.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))
