"""swish is silu's alias in Keras 3: one function named "silu", written as "silu" in configs; tf-keras 2
named it swish, and its configs' "swish" still load. Reference: tests/fixtures/random_dtypes_swish_reference.json
(make_random_dtypes_swish_reference.py, real Keras 3.15.1 and tf-keras 2.21)."""
import json
import os

import numpy as np
import pytest

import tkeras as keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
with open(os.path.join(FIXTURES, "random_dtypes_swish_reference.json")) as f:
    REFERENCE = json.load(f)

PROBES = {
    "get_swish_name": lambda: keras.activations.get("swish").__name__,
    "swish_attr_name": lambda: keras.activations.swish.__name__,
    "serialize_swish": lambda: keras.activations.serialize(keras.activations.swish),
    "serialize_get_swish": lambda: keras.activations.serialize(keras.activations.get("swish")),
    "get_silu_name": lambda: keras.activations.get("silu").__name__,
    "dense_swish_config": lambda: keras.layers.Dense(3, activation="swish").get_config()["activation"],
    "dense_silu_config": lambda: keras.layers.Dense(3, activation="silu").get_config()["activation"],
    "activation_layer_swish_config": lambda: keras.layers.Activation("swish").get_config()["activation"],
}


def test_reference_versions_and_probes():
    assert REFERENCE["keras3"]["version"] == "3.15.1" and REFERENCE["tf_keras2"]["version"].startswith("2.21")
    assert set(REFERENCE["keras3"]["swish"]) == set(PROBES) == set(REFERENCE["tf_keras2"]["swish"])


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_swish_names_are_keras_3s(probe):
    assert PROBES[probe]() == REFERENCE["keras3"]["swish"][probe]


def test_swish_is_silu_and_computes_x_sigmoid_x():
    assert keras.activations.swish is keras.activations.silu is keras.activations.get("swish")
    x = np.linspace(-6, 6, 13).astype("float32")
    np.testing.assert_allclose(np.asarray(keras.activations.swish(x)), x / (1 + np.exp(-x)), rtol=1e-6)


def test_configs_that_say_swish_still_load():
    assert keras.activations.deserialize("swish") is keras.activations.silu
    layer = keras.layers.Dense.from_config({"name": "d", "units": 2, "activation": "swish"})
    assert layer.activation is keras.activations.silu and layer.get_config()["activation"] == "silu"


def test_tf_keras2_model_json_with_swish_loads_and_predicts_the_same():
    record = REFERENCE["tf_keras2"]["swish_model"]
    assert '"activation": "swish"' in record["json"]
    model = keras.models.model_from_json(record["json"])
    model.set_weights([np.asarray(w, "float32") for w in record["weights"]])
    x = np.asarray(record["x"], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.asarray(record["y"]), rtol=1e-5, atol=1e-6)
    assert model.layers[-1].get_config()["activation"] == "silu"


@pytest.mark.parametrize("op, written", [("relu", "relu"), ("gelu", "gelu"), ("tanh", "tanh"), ("sigmoid", "sigmoid"),
                                         ("swish", "silu"), ("hard_swish", "hard_silu"), ("log_sigmoid", "log_sigmoid"),
                                         ("elu", "elu"), ("softplus", "softplus")])
def test_a_keras_ops_function_as_activation_is_written_by_its_name(op, written):
    # Keras 3.15.1: Dense(3, activation=keras.ops.relu).get_config()["activation"] == "relu"
    function = getattr(keras.ops, op)
    assert function.__name__ not in ("<lambda>",)
    layer = keras.layers.Dense(3, activation=function)
    assert layer.get_config()["activation"] == written
    rebuilt = keras.layers.Dense.from_config(layer.get_config())
    assert rebuilt.activation is keras.activations.get(written)


def test_a_user_function_keeps_keras_function_config():
    def my_activation(x):
        return x

    assert keras.layers.Dense(3, activation=my_activation).get_config()["activation"] == {
        "module": "builtins", "class_name": "function", "config": "my_activation", "registered_name": "function"}
