"""A functional model nested in another: Keras 3 numbers its calls from 1 in the outer config's
`input_layers` / `output_layers` (from 0 in `inbound_nodes`), and its reader takes the 1 back off.
tkeras writes and reads the same numbering, so an end-to-end model whose output is a nested model's
output (keras-io's preprocessing guide: `Model(strings, trained_model(text_vectorizer(strings)))`)
crosses between the two. Reference: tests/fixtures/make_kio_nested_functional_reference.py (Keras 3.15.1).
"""
import json
import os

import numpy as np

import tkeras as keras

_REFERENCE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures",
                          "kio_nested_functional_reference.json")


def _reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def test_a_keras_written_config_with_two_calls_of_a_nested_model_rebuilds():
    ref = _reference()
    model = keras.Model.from_config(ref["config"])
    model.set_weights([np.asarray(w, dtype="float32") for w in ref["weights"]])
    x, y = np.asarray(ref["x"], "float32"), np.asarray(ref["y"], "float32")
    for got, expected in zip(model.predict([x, y], verbose=0), ref["predictions"]):
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-6)


def test_the_written_endpoints_number_a_nested_model_as_keras_does():
    ref = _reference()
    inner_in = keras.Input((3,))
    inner = keras.Model(inner_in, keras.layers.Dense(2, name="proj")(inner_in), name="inner")
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    outer = keras.Model([a, b], [inner(a), inner(b)], name="outer")
    config = outer.get_config()
    assert config["output_layers"] == ref["config"]["output_layers"]
    assert config["input_layers"] == ref["config"]["input_layers"]
    written = [node["args"][0]["config"]["keras_history"] for node in config["layers"][2]["inbound_nodes"]]
    expected = [node["args"][0]["config"]["keras_history"] for node in ref["config"]["layers"][2]["inbound_nodes"]]
    assert written == expected


def test_a_sequential_nested_model_keeps_counting_from_zero():
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)], name="seq_inner")
    a = keras.Input((3,), name="a")
    outer = keras.Model(a, inner(a))
    assert outer.get_config()["output_layers"] == ["seq_inner", 0, 0]  # as Keras 3.15.1 writes it
    rebuilt = keras.Model.from_config(outer.get_config())
    rebuilt.set_weights(outer.get_weights())
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(np.asarray(rebuilt.predict(x, verbose=0)), np.asarray(outer.predict(x, verbose=0)))
