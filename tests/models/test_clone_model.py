"""keras.models.clone_model: new layers and weights, same architecture, for Sequential, functional and
subclassed models, with clone_function / input_tensors / call_function / recursive as Keras 3 has them."""
import numpy as np
import pytest

import tkeras as keras
from tkeras.models import clone_model

X = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")


def layer_configs(model):
    return [(type(layer).__name__, layer.get_config()) for layer in model.layers]


def assert_new_weights_same_function(model, copy):
    assert len(copy.weights) == len(model.weights)
    assert not any(a is b for a in copy.weights for b in model.weights)
    assert any(not np.allclose(a, b) for a, b in zip(copy.get_weights(), model.get_weights()))  # re-initialised
    copy.set_weights(model.get_weights())
    np.testing.assert_allclose(copy.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


def test_sequential_copy_keeps_input_architecture_and_compile():
    model = keras.Sequential([keras.Input((4,), name="features"), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2)], name="stack")
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    copy = clone_model(model)
    assert type(copy) is keras.Sequential and copy.name == "stack"
    assert copy.input_shape == (None, 4) and layer_configs(copy) == layer_configs(model)
    assert_new_weights_same_function(model, copy)
    assert copy.optimizer is not model.optimizer and type(copy.optimizer).__name__ == "Adam"
    assert float(copy.optimizer.learning_rate) == pytest.approx(0.01)
    copy.fit(X, np.zeros((5, 2)), epochs=1, verbose=0)  # compiled: trains without compile()


def test_sequential_clone_function_and_input_tensors():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(1)])
    seen = []

    def wider(layer):
        seen.append(layer.name)
        config = layer.get_config()
        config["units"] *= 2
        return type(layer).from_config(config)

    copy = clone_model(model, clone_function=wider, input_tensors=keras.Input((4,), name="other"))
    assert seen == [layer.name for layer in model.layers]
    assert [layer.units for layer in copy.layers] == [6, 2]
    with pytest.raises(ValueError, match="one input tensor; `input_tensors` has 2"):
        clone_model(model, input_tensors=[keras.Input((4,)), keras.Input((4,))])
    with pytest.raises(ValueError, match="must be a KerasTensor"):
        clone_model(model, input_tensors=np.ones((1, 4)))
    with pytest.raises(ValueError, match="call_function` is not supported with Sequential"):
        clone_model(model, call_function=lambda layer, *a, **k: layer(*a, **k))


def functional_with_shared_layer():
    first = keras.Input((4,), name="first")
    second = keras.Input((4,), name="second")
    shared = keras.layers.Dense(3, name="shared")
    merged = keras.layers.Add(name="add")([shared(first), shared(second)])
    output = keras.layers.Dense(1, name="head")(merged)
    return keras.Model([first, second], output, name="twin")


def test_functional_copy_keeps_sharing_and_names():
    model = functional_with_shared_layer()
    copy = clone_model(model)
    assert copy.name == "twin" and [l.name for l in copy.layers] == [l.name for l in model.layers]
    assert copy.input_names == ["first", "second"]
    shared = copy.get_layer("shared")
    assert shared is not model.get_layer("shared") and len(shared._inbound_nodes) >= 2
    assert len(copy.weights) == 4  # the shared Dense holds one kernel and one bias, as in the original
    copy.set_weights(model.get_weights())
    x = [X, X[::-1].copy()]
    np.testing.assert_allclose(copy.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_functional_identity_clone_function_reuses_layers_and_call_function_inserts():
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(1, name="out")(keras.layers.Dense(3, name="hidden")(inputs))
    model = keras.Model(inputs, outputs)

    def add_dropout(layer, *args, **kwargs):
        result = layer(*args, **kwargs)
        if layer.name == "hidden":
            result = keras.layers.Dropout(0.5, name="inserted")(result)
        return result

    copy = clone_model(model, clone_function=lambda layer: layer, call_function=add_dropout)
    assert copy.get_layer("hidden") is model.get_layer("hidden")  # same layers, same weights
    assert [type(l).__name__ for l in copy.layers] == ["InputLayer", "Dense", "Dropout", "Dense"]
    np.testing.assert_allclose(copy.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


def test_functional_input_tensors_must_match_the_inputs():
    model = functional_with_shared_layer()
    new_inputs = [keras.Input((4,), name="a"), keras.Input((4,), name="b")]
    copy = clone_model(model, input_tensors=new_inputs)
    assert copy.input_names == ["a", "b"]
    with pytest.raises(ValueError, match="structure of model.input \\(here 2 tensor\\(s\\)\\); received 1"):
        clone_model(model, input_tensors=[keras.Input((4,))])


def test_recursive_clones_inner_models_with_the_clone_function():
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="inner_dense")], name="inner")
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(1, name="top")(inner(inputs)))
    cloned = []

    def record(layer):
        cloned.append(layer.name)
        return type(layer).from_config(layer.get_config())

    clone_model(model, clone_function=record)
    assert cloned == ["inner", "top"]  # not recursive: the inner model is one layer to clone_function
    cloned.clear()
    copy = clone_model(model, clone_function=record, recursive=True)
    assert cloned == ["inner_dense", "top"]
    assert copy.get_layer("inner") is not inner and isinstance(copy.get_layer("inner"), keras.Sequential)


class Doubler(keras.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units)

    def call(self, inputs):
        return self.dense(inputs) * 2.0

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_from_its_config_and_refusals():
    model = Doubler(units=5, name="doubler")
    model(X)
    copy = clone_model(model)
    assert type(copy) is Doubler and copy.units == 5 and copy.name == "doubler"
    with pytest.raises(ValueError, match="only supported for Sequential and functional models; Doubler"):
        clone_model(model, clone_function=lambda layer: layer)
    with pytest.raises(ValueError, match="expects a keras Model"):
        clone_model(keras.layers.Dense(2))
