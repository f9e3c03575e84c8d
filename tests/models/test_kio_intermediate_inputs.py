"""`Model(inputs, outputs)` with an intermediate tensor as input, as Keras 3 allows.

keras-io's FeatureSpace example builds `Model(feature_space.get_encoded_features(), head)`: the input is
the output of a Concatenate, not an Input. Keras gives the model a fresh Input named `<tensor>CLONE`
and leaves the layers upstream of it out (behaviour read from Keras 3's `clone_graph_nodes`).
"""
import numpy as np

import tkeras as keras


def _graph():
    a = keras.Input((4,), name="a")
    d1, d2, d3 = keras.layers.Dense(3, name="d1"), keras.layers.Dense(5, name="d2"), keras.layers.Dense(2, name="d3")
    h = d1(a)
    return a, h, d3(d2(h)), (d1, d2, d3)


def test_intermediate_tensor_becomes_a_fresh_input():
    a, h, out, (d1, d2, d3) = _graph()
    model = keras.Model(h, out)
    assert [layer.name for layer in model.layers] == ["d1CLONE", "d2", "d3"]
    assert isinstance(model.layers[0], keras.layers.InputLayer)
    assert model.input_shape == (None, 3) and model.count_params() == 20 + 12
    x = np.random.default_rng(0).normal(size=(2, 3)).astype("float32")
    expected = d3(d2(x))
    np.testing.assert_allclose(np.asarray(model(x)), np.asarray(expected), rtol=1e-6)


def test_the_original_graph_still_works_and_configs_round_trip():
    a, h, out, _ = _graph()
    head = keras.Model(h, out)
    full = keras.Model(a, out)
    assert [layer.name for layer in full.layers] == ["a", "d1", "d2", "d3"]
    x = np.ones((2, 4), "float32")
    assert full(x).shape == (2, 2)
    rebuilt = keras.Model.from_config(head.get_config())
    assert [layer.name for layer in rebuilt.layers] == ["d1CLONE", "d2", "d3"]
    assert rebuilt.input_shape == (None, 3)


def test_dict_of_inputs_with_an_intermediate_concatenation():
    inputs = {"p": keras.Input((2,), name="p"), "q": keras.Input((1,), name="q")}
    encoded = keras.layers.Concatenate(name="cat")([inputs["p"], inputs["q"]])
    out = keras.layers.Dense(1, name="head")(encoded)
    training_model = keras.Model(inputs=encoded, outputs=out)
    inference_model = keras.Model(inputs=inputs, outputs=out)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(np.asarray(training_model(x)),
                               np.asarray(inference_model({"p": x[:, :2], "q": x[:, 2:]})), rtol=1e-6)
