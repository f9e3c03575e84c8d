"""A user's get_config() that returns live Keras objects (a layer, a regularizer) serializes as Keras 3
does: every value of the returned dict is serialized in turn, so the nested objects arrive in
`from_config` (and in files) as config dicts. A class defined in the running script (`__main__`) is
written with `module: None`, as Keras writes it (found again by its registered name).

keras-io's serialization_and_saving guide relies on both: its `CustomModel.from_config` calls
`keras.layers.deserialize(config["first_layer"])` on what `get_config` returned as a layer.
"""
import numpy as np

import tkeras as keras
from tkeras import ops


class _Scale(keras.layers.Layer):
    def __init__(self, units, *, kernel_regularizer=None, nested=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.kernel_regularizer = kernel_regularizer
        self.nested = nested

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units), initializer="ones")

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "kernel_regularizer": self.kernel_regularizer,
                "nested": self.nested}


class _Wrapper(keras.layers.Layer):
    def __init__(self, first_layer, **kwargs):
        super().__init__(**kwargs)
        self.first_layer = first_layer

    def get_config(self):
        return {**super().get_config(), "first_layer": self.first_layer}

    @classmethod
    def from_config(cls, config):
        config["first_layer"] = keras.layers.deserialize(config["first_layer"])
        return cls(**config)

    def call(self, inputs):
        return self.first_layer(inputs)


_CUSTOM = {"_Scale": _Scale, "_Wrapper": _Wrapper}


def test_layer_and_regularizer_objects_in_a_config_become_config_dicts():
    inner = _Scale(2, kernel_regularizer=keras.regularizers.L1L2(l1=1e-5, l2=1e-4))
    outer = _Scale(3, nested=inner)
    config = keras.layers.serialize(outer)
    nested = config["config"]["nested"]
    assert isinstance(nested, dict) and nested["class_name"] == "_Scale"
    assert nested["config"]["units"] == 2
    assert nested["config"]["kernel_regularizer"] == {
        "module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 1e-05, "l2": 0.0001},
        "registered_name": None}


def test_functional_config_with_a_layer_valued_argument_round_trips():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, _Wrapper(first_layer=_Scale(2))(inputs))
    config = model.get_config()
    wrapper_config = next(layer for layer in config["layers"] if layer["class_name"] == "_Wrapper")
    assert wrapper_config["config"]["first_layer"]["class_name"] == "_Scale"
    rebuilt = keras.Model.from_config(config, custom_objects=_CUSTOM)
    x = np.arange(8, dtype="float32").reshape(2, 4)
    np.testing.assert_allclose(np.asarray(rebuilt(x)), np.repeat(x.sum(axis=1, keepdims=True), 2, axis=1))


def test_a_class_from_the_running_script_is_written_without_a_module():
    script_class = type("ScriptLayer", (keras.layers.Layer,), {"__module__": "__main__"})
    config = keras.saving.serialize_keras_object(script_class())
    assert config["module"] is None
    assert config["registered_name"] == "ScriptLayer"
    rebuilt = keras.saving.deserialize_keras_object(config, custom_objects={"ScriptLayer": script_class})
    assert isinstance(rebuilt, script_class)


def test_get_config_returning_a_non_dict_is_a_clear_error():
    class Broken(keras.layers.Layer):
        def get_config(self):
            return ["units", 3]

    try:
        keras.saving.serialize_keras_object(Broken())
    except TypeError as error:
        assert "Broken.get_config() must return a dict" in str(error)
    else:
        raise AssertionError("a list from get_config() was accepted")


def _halved_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1) / 2.0


class _OwnCompileModel(keras.Model):
    """keras-io's customizing_saving guide: get_compile_config() returns the optimizer name, the loss
    *function* and a metrics list as they were passed to compile()."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(2)

    def call(self, inputs):
        return self.dense(inputs)

    def compile(self, optimizer, loss_fn, metrics):
        super().compile(optimizer=optimizer, loss=loss_fn, metrics=metrics)
        self.compiled_with = (optimizer, loss_fn, metrics)

    def get_compile_config(self):
        optimizer, loss_fn, metrics = self.compiled_with
        return {"model_optimizer": optimizer, "loss_fn": loss_fn, "metric": metrics}

    def compile_from_config(self, config):
        self.compile(optimizer=keras.utils.deserialize_keras_object(config["model_optimizer"]),
                     loss_fn=keras.utils.deserialize_keras_object(config["loss_fn"]),
                     metrics=keras.utils.deserialize_keras_object(config["metric"]))


def test_a_compile_config_holding_functions_is_serialized_and_saves(tmp_path):
    custom = {"_OwnCompileModel": _OwnCompileModel, "_halved_squared_error": _halved_squared_error}
    model = _OwnCompileModel()
    model.compile(optimizer="SGD", loss_fn=_halved_squared_error, metrics=["mae"])
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    model.fit(x, y, verbose=0)
    compile_config = keras.saving.serialize_keras_object(model)["compile_config"]
    assert compile_config["loss_fn"]["class_name"] == "function"
    assert compile_config["loss_fn"]["config"] == "_halved_squared_error"
    path = str(tmp_path / "own_compile.keras")
    model.save(path)
    restored = keras.models.load_model(path, custom_objects=custom)
    assert restored.compiled_with[1] is _halved_squared_error
    assert restored.compiled_with[2] == ["mae"]
    np.testing.assert_allclose(np.asarray(restored.predict(x, verbose=0)), np.asarray(model.predict(x, verbose=0)),
                               rtol=1e-6)
