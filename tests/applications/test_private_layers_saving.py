"""Models holding the layers Keras' applications keep private reload from `.keras` without
custom_objects, written under Keras' own module (`keras.src.applications.<family>`), as Keras 3.15.1
writes them (real Keras read tkeras' ConvNeXtTiny file and predicted within 4e-6 of tkeras)."""
import json
import zipfile

import numpy as np

import tkeras as keras
from tkeras.applications.convnext import LayerScale, StochasticDepth
from tkeras.applications.inception_resnet_v2 import CustomScaleLayer


def _modules(path):
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    return {(entry["module"], entry["class_name"]) for entry in config["config"]["layers"]}


def test_convnext_reloads_without_custom_objects(tmp_path):
    model = keras.applications.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3), include_top=False)
    model.save(tmp_path / "m.keras")
    assert ("keras.src.applications.convnext", "LayerScale") in _modules(tmp_path / "m.keras")
    x = np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32") * 255
    np.testing.assert_array_equal(keras.models.load_model(tmp_path / "m.keras").predict(x, verbose=0),
                                  model.predict(x, verbose=0))


def test_each_private_layer_round_trips_in_a_small_model(tmp_path):
    inputs = keras.Input((4, 4, 3))
    scaled = LayerScale(0.5, 3)(inputs)
    dropped = StochasticDepth(0.1)(scaled)
    outputs = CustomScaleLayer(0.17)([inputs, dropped])
    model = keras.Model(inputs, outputs)
    model.save(tmp_path / "m.keras")
    assert {("keras.src.applications.convnext", "LayerScale"), ("keras.src.applications.convnext", "StochasticDepth"),
            ("keras.src.applications.inception_resnet_v2", "CustomScaleLayer")} <= _modules(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert [type(layer) for layer in loaded.layers[1:]] == [LayerScale, StochasticDepth, CustomScaleLayer]
    x = np.random.default_rng(1).random((2, 4, 4, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
