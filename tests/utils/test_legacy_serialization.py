"""keras.utils.legacy: Keras 2's {"class_name", "config"} form, both ways."""
import json

import pytest

import tkeras as keras
from tkeras.utils import legacy


def test_serialize_a_layer_an_optimizer_and_a_function():
    layer = keras.layers.Dense(2, name="d", activation="relu")
    written = legacy.serialize_keras_object(layer)
    assert list(written) == ["class_name", "config"] and written["class_name"] == "Dense"
    assert written["config"] == layer.get_config()  # nested entries are already plain data
    optimizer = keras.optimizers.Adam(0.5)  # (each new optimizer takes the next name: adam, adam_1, ...)
    assert legacy.serialize_keras_object(optimizer) == {"class_name": "Adam", "config": optimizer.get_config()}
    assert legacy.serialize_keras_object(keras.activations.relu) == "relu"
    assert legacy.serialize_keras_object(None) is None
    with pytest.raises(ValueError, match="Cannot serialize 3 because it doesn't implement `get_config\\(\\)`"):
        legacy.serialize_keras_object(3)


def test_nested_objects_are_marked_passive():
    class Holder:
        def get_config(self):
            return {"inner": keras.initializers.Constant(2.0), "text": "x", "number": 3}

    written = legacy.serialize_keras_object(Holder())
    assert written["config"]["inner"] == {"class_name": "Constant", "config": {"value": 2.0},
                                          "__passive_serialization__": True}
    assert written["config"]["text"] == "x" and written["config"]["number"] == 3


def test_round_trip_and_lookup_order():
    layer = keras.layers.Dense(3, name="x")
    copy = legacy.deserialize_keras_object(json.loads(json.dumps(legacy.serialize_keras_object(layer))))
    assert type(copy) is keras.layers.Dense and copy.units == 3 and copy.name == "x"

    class Mine(keras.layers.Dense):
        pass

    found = legacy.deserialize_keras_object({"class_name": "Dense", "config": {"units": 1}},
                                            custom_objects={"Dense": Mine})
    assert type(found) is Mine
    assert legacy.deserialize_keras_object("relu", module_objects={"relu": keras.activations.relu}) \
        is keras.activations.relu
    with pytest.raises(ValueError, match="Unknown layer: 'Foo'. Please ensure you are using a "
                                         "`keras.utils.custom_object_scope`"):
        legacy.deserialize_keras_object({"class_name": "Foo", "config": {}}, printable_module_name="layer")
    with pytest.raises(ValueError, match="Improper config format"):
        legacy.deserialize_keras_object({"config": {}})
