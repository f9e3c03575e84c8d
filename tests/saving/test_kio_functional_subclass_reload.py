"""A Model subclass built functionally (`MyModel(inputs, outputs)`) that only overrides training hooks
comes back from its config / a .keras file as that class (Keras 3's `Model.from_config` rule), as
keras-io's masked-language-modeling example reloads its MaskedLanguageModel."""
import numpy as np
import pytest

import tkeras as keras


class ScaledLossModel(keras.Model):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return 2.0 * keras.ops.mean(keras.ops.square(y - y_pred))


class OwnConstructor(keras.Model):
    def __init__(self, units):
        super().__init__()
        self.units = units


def _built():
    inputs = keras.Input((3,), name="x")
    outputs = keras.layers.Dense(2, name="head")(inputs)
    return ScaledLossModel(inputs, outputs, name="scaled")


def test_from_config_rebuilds_the_subclass():
    model = _built()
    clone = ScaledLossModel.from_config(model.get_config())
    assert type(clone).__name__ == "ScaledLossModel" and isinstance(clone, ScaledLossModel)
    assert [layer.name for layer in clone.layers] == ["x", "head"] and clone.name == "scaled"


def test_keras_file_round_trip_keeps_class_and_weights(tmp_path):
    model = _built()
    model.compile(optimizer="sgd")
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"ScaledLossModel": ScaledLossModel})
    assert isinstance(loaded, ScaledLossModel)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6)
    loss = loaded.compute_loss(y=np.zeros((2, 2), "float32"), y_pred=loaded(x))
    np.testing.assert_allclose(float(loss), 2.0 * np.mean(np.asarray(model(x)) ** 2), rtol=1e-5)


def test_a_subclass_with_its_own_constructor_is_not_revived_functionally():
    config = _built().get_config()
    with pytest.raises(TypeError):
        OwnConstructor.from_config(config)
