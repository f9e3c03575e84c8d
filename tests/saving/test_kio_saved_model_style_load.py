"""tf-keras 2 scripts save to a bare name (once a SavedModel folder) and load it again a few lines below
with no custom_objects, then zip `metrics_names` with evaluate's results (the feature-engineering
custom-layer example). Reference: tests/fixtures/kio_saved_model_load_reference.json, recorded with
tf-keras 2 by make_kio_saved_model_load_reference.py."""
import json
import os
import sys
import types

import numpy as np
import pytest

import tkeras as keras
from tkeras.saving.errors import SavingError

REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "kio_saved_model_load_reference.json")))


class Doubler(keras.layers.Layer):
    __module__ = "__main__"  # defined by the running script, as in the example

    def call(self, inputs):
        return inputs * 2.0


@pytest.fixture
def script_module(monkeypatch):
    script = types.ModuleType("__main__")
    script.Doubler = Doubler
    monkeypatch.setitem(sys.modules, "__main__", script)
    return script


def _compiled_model():
    inputs = keras.Input((3,))
    hidden = Doubler(name="doubler")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="target")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(loss="binary_crossentropy", optimizer="adam",
                  metrics=[keras.metrics.BinaryAccuracy(name="accuracy"), keras.metrics.AUC(name="auc")])
    return model


def test_bare_name_save_loads_the_scripts_custom_layer_without_custom_objects(tmp_path, script_module):
    path = str(tmp_path / "saved_model")
    keras.models.save_model(_compiled_model(), path)
    loaded = keras.models.load_model(path)
    layer = loaded.get_layer("doubler")
    assert type(layer) is Doubler
    x = np.asarray(REFERENCE["x"], dtype="float32")
    np.testing.assert_allclose(np.asarray(layer(x)), REFERENCE["doubler_output"], rtol=1e-6)


def test_dot_keras_file_still_asks_for_custom_objects(tmp_path, script_module):
    path = str(tmp_path / "model.keras")
    _compiled_model().save(path)
    with pytest.raises(SavingError, match="custom_objects"):
        keras.models.load_model(path)
    assert type(keras.models.load_model(path, custom_objects={"Doubler": Doubler}).get_layer("doubler")) is Doubler


@pytest.mark.parametrize("name", ["saved_model", "model.keras", "model.h5"])
def test_metrics_names_are_complete_right_after_load(tmp_path, script_module, name):
    path = str(tmp_path / name)
    _compiled_model().save(path)
    loaded = keras.models.load_model(path, custom_objects={"Doubler": Doubler})
    assert loaded.metrics_names == REFERENCE["metrics_names_after_load"]
    x = np.asarray(REFERENCE["x"], dtype="float32")
    assert len(loaded.evaluate(x, np.array([1.0, 0.0]), verbose=0)) == len(REFERENCE["metrics_names_after_load"])
