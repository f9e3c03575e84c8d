"""Keras 3 Model/Layer methods (get_compile_config, get_state_tree, paths, make_train_function, ...)
against data real Keras 3.15.1 recorded (tests/fixtures/make_model_methods_reference.py)."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras import layers

REF = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "model_methods_reference.json")))
X = ((np.arange(24, dtype="float32").reshape(8, 3) % 5) - 2) / 3.0
Y = np.array([0, 1, 1, 0, 1, 0, 0, 1])


def _weights_for(model):
    for i, w in enumerate(model.weights):
        n = int(np.prod(w.shape))
        values = (np.arange(n, dtype="float32") % 7 - 3) / (10.0 + i)
        if "variance" in w.path:
            values = np.abs(values) + 1.0
        w.assign(values.reshape(tuple(w.shape)))


def _small_model():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu", name="d1"),
                              layers.BatchNormalization(name="bn"),
                              layers.Dense(2, activation="softmax", name="out")], name="seq")
    _weights_for(model)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _shapes(tree):
    return {k: _shapes(v) for k, v in tree.items()} if isinstance(tree, dict) else list(np.shape(tree))


def test_compile_config_matches_keras():
    config = _small_model().get_compile_config()
    ignore = {"jit_compile"}  # Keras resolves it per backend (True under JAX); tkeras does not compile
    assert {k: v for k, v in config.items() if k not in ignore} == \
        {k: v for k, v in REF["compile_config"].items() if k not in ignore}
    assert keras.Sequential([layers.Dense(1)]).get_compile_config() == REF["uncompiled_compile_config"]


def test_compile_from_config_then_fit():
    model = _small_model()
    fresh = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(2, activation="softmax")])
    fresh.compile_from_config(model.get_compile_config())
    assert type(fresh.optimizer).__name__ == "Adam" and fresh.optimizer.built
    assert np.isclose(float(fresh.optimizer.learning_rate), 0.01)
    history = fresh.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}


def test_metrics_result_and_variables_match_keras():
    model = _small_model()
    logs = model.evaluate(X, Y, batch_size=4, verbose=0, return_dict=True)
    result = model.get_metrics_result()
    assert set(result) == set(REF["metrics_result"])
    for name, value in REF["metrics_result"].items():
        assert isinstance(result[name], float)
        assert result[name] == pytest.approx(value, abs=1e-5)
        assert logs[name] == pytest.approx(value, abs=1e-5)
    assert [v.path for v in model.metrics_variables] == REF["metrics_variables"]


def test_state_tree_structure_and_values_match_keras():
    model = _small_model()
    model.evaluate(X, Y, batch_size=4, verbose=0)
    tree = model.get_state_tree(value_format="numpy_array")
    assert _shapes(tree) == REF["state_tree_shapes"]
    np.testing.assert_allclose(tree["trainable_variables"]["seq"]["d1"]["kernel"],
                               REF["state_tree_values"]["seq/d1/kernel"], atol=1e-6)
    np.testing.assert_allclose(tree["non_trainable_variables"]["seq"]["bn"]["moving_variance"],
                               REF["state_tree_values"]["seq/bn/moving_variance"], atol=1e-6)
    model.fit(X, Y, batch_size=4, epochs=1, verbose=0)
    assert _shapes(model.get_state_tree()) == REF["state_tree_shapes_after_fit"]
    with pytest.raises(ValueError):
        model.get_state_tree(value_format="bogus")


def test_set_state_tree_round_trip():
    model = _small_model()
    before = model.get_state_tree(value_format="numpy_array")
    model.fit(X, Y, batch_size=4, epochs=2, verbose=0)
    trained = model.get_state_tree(value_format="numpy_array")
    assert not np.allclose(trained["trainable_variables"]["seq"]["d1"]["kernel"],
                           before["trainable_variables"]["seq"]["d1"]["kernel"])
    model.set_state_tree(before)
    after = model.get_state_tree(value_format="numpy_array")
    np.testing.assert_allclose(after["trainable_variables"]["seq"]["d1"]["kernel"],
                               before["trainable_variables"]["seq"]["d1"]["kernel"])
    np.testing.assert_allclose(after["non_trainable_variables"]["seq"]["bn"]["moving_mean"],
                               before["non_trainable_variables"]["seq"]["bn"]["moving_mean"])
    assert int(model.optimizer.iterations) == 0
    with pytest.raises(ValueError):
        model.set_state_tree({"bogus": {}})


def test_make_step_functions_run_steps():
    model = _small_model()
    train = model.make_train_function()
    assert model.train_function is train and model.make_train_function() is train
    assert model.make_train_function(force=True) is not train
    kernel = model.get_layer("d1").kernel.numpy().copy()
    it = iter([(X[:4], Y[:4]), (X[4:], Y[4:])])
    logs = model.train_function(it)
    logs = model.train_function(it)
    assert set(logs) == {"loss", "accuracy"} and isinstance(logs["loss"], float)
    assert int(model.optimizer.iterations) == 2
    assert not np.allclose(kernel, model.get_layer("d1").kernel.numpy())
    test_logs = model.make_test_function()([(X, Y)])  # the torch backend's one-batch list
    assert set(test_logs) == {"loss", "accuracy"}
    out = model.make_predict_function()(iter([X]))
    assert tuple(out.shape) == (8, 2)


def test_layer_and_variable_paths_match_keras():
    model = _small_model()
    assert {layer.name: layer.path for layer in model.layers} == REF["layer_paths"]
    assert [v.path for v in model.weights] == REF["variable_paths"]
    inner = keras.Sequential([layers.Dense(3, name="inner_dense")], name="inner")
    inp = keras.Input((2,), name="x")
    nested = keras.Model(inp, layers.Dense(1, name="head")(inner(inp)), name="outer")
    assert {"inner": inner.path, "inner_dense": inner.layers[0].path, "head": nested.get_layer("head").path,
            "outer": nested.path} == REF["nested_layer_paths"]
    assert [v.path for v in nested.weights] == REF["nested_variable_paths"]
    assert layers.Dense(2).path is None  # not built yet


def test_input_dtype_quantization_mode_and_output_specs():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        assert layers.Dense(2).input_dtype == REF["mixed_input_dtype"]
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert layers.Dense(2).input_dtype == REF["float32_input_dtype"]
    assert layers.Embedding(5, 2).input_dtype == REF["int_dtype_input_dtype"]
    specs = REF["output_specs"]
    cases = {"dense": (layers.Dense(5), keras.KerasTensor((None, 3))),
             "conv2d": (layers.Conv2D(4, 3), keras.KerasTensor((2, 8, 8, 3))),
             "embedding": (layers.Embedding(10, 6), keras.KerasTensor((None, 7), dtype="int32")),
             "model": (_small_model(), keras.KerasTensor((None, 3)))}
    for name, (layer, spec) in cases.items():
        out = layer.compute_output_spec(spec)
        assert isinstance(out, keras.KerasTensor)
        assert [list(out.shape), out.dtype] == specs[name], name
        assert list(layer.symbolic_call(spec).shape) == specs[name][0]
    q = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="qd")])
    assert q.layers[0].quantization_mode == REF["quantization_mode_before"]
    assert q.quantization_mode == REF["model_quantization_mode"]
    q.quantize("int8")
    assert q.layers[0].quantization_mode == REF["quantization_mode_after"]


def test_add_variable_and_layer_metrics():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_variable((input_shape[-1],), "ones", name="scale")
            self.frozen = self.add_variable((1,), "zeros", trainable=False, name="frozen")
            self.calls = keras.metrics.Mean(name="calls")

        def call(self, x):
            return x * self.scale

    layer = Scale(name="scale_layer")
    layer(np.ones((2, 3), "float32"))
    assert [w.name for w in layer.trainable_weights] == ["scale"]
    assert [w.name for w in layer.non_trainable_weights] == ["frozen"]
    assert layer.scale.path == "scale_layer/scale"
    assert [m.name for m in layer.metrics] == ["calls"]
    assert len(layer.metrics_variables) == len(layer.calls.variables)
