"""A bare-name save (tf-keras 2's SavedModel) of a custom layer whose constructor takes only its own
arguments while its config carries name/trainable/dtype loads back as tf-keras 2 revives it: same name,
same trainable flag, same outputs (reference recorded by fixtures/make_nb_g2_saved_model_revival_reference.py)."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras import layers

REFERENCE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "nb_g2_saved_model_revival_reference.json")


class Scale(layers.Layer):
    def __init__(self, units, factor):
        super().__init__()
        self.units, self.factor = units, factor
        self.dense = layers.Dense(units)

    def call(self, x):
        return self.dense(x) * self.factor

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "factor": self.factor})
        return config


def _build():
    inputs = layers.Input((3,))
    scale = Scale(2, 3.0)
    outputs = layers.Dense(1)(scale(inputs))
    model = keras.Model(inputs, outputs)
    shapes = [tuple(w.shape) for w in model.weights]
    model.set_weights([np.arange(np.prod(s), dtype="float32").reshape(s) / 10.0 - 0.3 for s in shapes])
    scale.trainable = False
    return model


def test_bare_name_save_revives_a_layer_whose_constructor_refuses_base_keys(tmp_path):
    with open(REFERENCE) as f:
        reference = json.load(f)
    path = str(tmp_path / "saved")
    _build().save(path)
    restored = keras.models.load_model(path, custom_objects={"Scale": Scale})
    custom = restored.layers[1]
    assert type(custom) is Scale
    assert [layer.name for layer in restored.layers[1:]] == reference["names"]
    assert [type(layer).__name__ for layer in restored.layers[1:]] == reference["class_names"]
    assert custom.trainable is reference["custom_trainable"]
    assert custom.get_config() == reference["custom_config"]
    assert len(restored.trainable_weights) == reference["trainable_weight_count"]
    data = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(restored.predict(data, verbose=0), reference["predictions"], rtol=1e-5)


def test_keras_file_still_refuses_such_a_config(tmp_path):
    """A `.keras` file is rebuilt from configs in Keras too, and fails there the same way."""
    path = str(tmp_path / "saved.keras")
    _build().save(path)
    with pytest.raises(Exception, match="name"):
        keras.models.load_model(path, custom_objects={"Scale": Scale})
