"""keras.legacy.saving: Keras 2's config format (top level {"class_name", "config"}, functions by name),
as real Keras 3.15.1 writes it (its output for these objects was read off by hand: no module or
registered_name at the top level, the object's own get_config() inside)."""
import pytest

import tkeras as keras
from tkeras.legacy import saving as legacy


def test_serialize_writes_keras2_format():
    dense = keras.layers.Dense(2, activation="relu", name="d")
    config = legacy.serialize_keras_object(dense)
    assert set(config) == {"class_name", "config"} and config["class_name"] == "Dense"
    assert config["config"] == dense.get_config()
    assert legacy.serialize_keras_object(keras.activations.relu) == "relu"
    assert legacy.serialize_keras_object(None) is None
    assert legacy.serialize_keras_object(keras.initializers.GlorotUniform(seed=1)) == {
        "class_name": "GlorotUniform", "config": keras.initializers.GlorotUniform(seed=1).get_config()}
    with pytest.raises(ValueError, match="no get_config"):
        legacy.serialize_keras_object(object())


def test_deserialize_reads_keras2_format_from_module_objects_or_tkeras():
    dense = legacy.deserialize_keras_object({"class_name": "Dense", "config": {"units": 3, "name": "x"}},
                                            module_objects={"Dense": keras.layers.Dense})
    assert isinstance(dense, keras.layers.Dense) and (dense.units, dense.name) == (3, "x")
    adam = legacy.deserialize_keras_object(legacy.serialize_keras_object(keras.optimizers.Adam(learning_rate=0.5)))
    assert isinstance(adam, keras.optimizers.Adam) and abs(float(adam.learning_rate) - 0.5) < 1e-7
    assert legacy.deserialize_keras_object("relu", module_objects={"relu": keras.activations.relu}) \
        is keras.activations.relu
    assert legacy.deserialize_keras_object(None) is None


def test_custom_objects_win_and_unknown_names_say_what_kind():
    class MyLayer(keras.layers.Layer):
        pass

    restored = legacy.deserialize_keras_object({"class_name": "MyLayer", "config": {"name": "mine"}},
                                               custom_objects={"MyLayer": MyLayer})
    assert type(restored) is MyLayer and restored.name == "mine"
    with pytest.raises(ValueError, match="Unknown layer: 'Nope'.*custom_objects"):
        legacy.deserialize_keras_object({"class_name": "Nope", "config": {}}, printable_module_name="layer")
    with pytest.raises(ValueError, match="Unknown activation: 'nope'"):
        legacy.deserialize_keras_object("nope", printable_module_name="activation")
