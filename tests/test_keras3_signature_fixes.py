"""Keras 3.15.1 signatures paid off from tests/test_keras_names.py's signature debt, checked by behaviour.

Reference outputs come from real Keras 3.15.1 (tests/fixtures/make_signature_fixes_reference.py).
"""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras.backend import config as backend_config

REF_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "signature_fixes_reference.json")
with open(REF_PATH) as _handle:
    REF = json.load(_handle)


def layer_config(layer):
    config = layer.get_config()
    config.pop("dtype", None)
    return json.loads(json.dumps(config))


def variable_record(v):
    return {"name": v.name, "shape": list(v.shape), "dtype": backend_config.dtype_name(v.dtype),
            "trainable": bool(v.trainable), "value": np.asarray(v.numpy()).tolist()}


# -- keras.Variable ---------------------------------------------------------------------------------

def test_variable_keras3_calls_match_keras():
    made = {
        "value": keras.Variable(initializer=np.array([[1.0, 2.0]]), name="a"),
        "string_initializer": keras.Variable(initializer="ones", shape=(2, 3), name="b"),
        "initializer_object": keras.Variable(keras.initializers.Constant(2.5), (2,), "float16", name="c"),
        "positional": keras.Variable("zeros", (3,), "float32", False, True, "none", "auto", "d"),
    }
    for key, variable in made.items():
        assert variable_record(variable) == REF["variables"][key], key


def test_variable_initializer_needs_shape_as_in_keras():
    assert REF["variable_errors"] == {"string_without_shape": "ValueError", "object_without_shape": "ValueError"}
    with pytest.raises(ValueError, match="shape"):
        keras.Variable(initializer="zeros")
    with pytest.raises(ValueError, match="shape"):
        keras.Variable(keras.initializers.Ones())


def test_variable_keeps_tensorflow_initial_value():
    by_tf_name = keras.Variable(initial_value=[1.0, 2.0], name="w")
    by_keras_name = keras.Variable(initializer=[1.0, 2.0], name="w")
    assert by_tf_name.numpy().tolist() == by_keras_name.numpy().tolist() == [1.0, 2.0]
    assert keras.Variable(lambda: np.ones(2)).numpy().tolist() == [1.0, 1.0]  # tf.Variable(lambda: ...)
    with pytest.raises(TypeError, match="once"):
        keras.Variable(initializer=1.0, initial_value=2.0)


def test_variable_keras3_options():
    v = keras.Variable(1.0, aggregation="mean", synchronization="on_read", autocast=False)
    assert (v.aggregation, v.synchronization, v.autocast) == ("mean", "on_read", False)
    with pytest.raises(ValueError, match="aggregation"):
        keras.Variable(1.0, aggregation="average")
    with pytest.raises(NotImplementedError, match="layout"):
        keras.Variable(1.0, layout=object())


# -- set_image_data_format ------------------------------------------------------------------------

@pytest.mark.parametrize("setter", [keras.config.set_image_data_format, keras.backend.set_image_data_format])
def test_set_image_data_format_by_keyword(setter):
    before = keras.config.image_data_format()
    try:
        setter(data_format="channels_first")
        assert keras.config.image_data_format() == "channels_first"
        setter("channels_last")
        assert keras.backend.image_data_format() == "channels_last"
    finally:
        keras.config.set_image_data_format(before)


# -- losses ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(REF["regression_loss_configs"]))
def test_regression_loss_default_names_and_configs(name):
    cls = getattr(keras.losses, name)
    assert cls().get_config() == REF["regression_loss_configs"][name]
    assert cls(name=None).get_config() == REF["regression_loss_configs"][name]  # None: the default name
    assert cls.from_config(cls().get_config()).name == REF["regression_loss_configs"][name]["name"]


def test_sparse_cce_keras3_keywords():
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0, reduction="sum", axis=1,
                                                      name="scce", dtype="float32")
    reference = REF["sparse_cce_keyword_config"]
    config = loss.get_config()
    assert {key: config[key] for key in reference} == reference
    assert loss.axis == 1


def test_sparse_cce_keras3_positional_axis():
    loss = keras.losses.SparseCategoricalCrossentropy(True, None, "sum", 1, "scce")
    reference = REF["sparse_cce_keras3_positional_config"]
    config = loss.get_config()
    assert {key: config[key] for key in reference} == reference
    assert loss.axis == 1
    value = keras.losses.SparseCategoricalCrossentropy(False, None, "sum", 1, "scce")(
        np.array([[0, 1]]), np.array([[[0.2, 0.6], [0.8, 0.4]]], "float32"))
    np.testing.assert_allclose(float(value), REF["sparse_cce_keras3_positional_value"], rtol=1e-5)


def test_sparse_cce_keeps_tf_keras_positional_name():
    loss = keras.losses.SparseCategoricalCrossentropy(False, None, "sum", "my_loss")  # tf-keras 2's order
    assert loss.name == "my_loss" and loss.axis == -1


# -- layers ---------------------------------------------------------------------------------------

def test_layer_normalization_keras3_positional_order():
    layer = keras.layers.LayerNormalization(-1, 1e-3, True, True, "ones", "zeros", name="ln")
    assert layer_config(layer) == REF["layer_norm_positional_config"]


def test_layer_normalization_rms_scaling_by_keyword():
    layer = keras.layers.LayerNormalization(rms_scaling=True, name="ln_rms")
    assert layer_config(layer) == REF["layer_norm_rms_config"]
    assert keras.layers.LayerNormalization.from_config(layer.get_config()).rms_scaling is True


@pytest.mark.parametrize("name, alias, args", [
    ("MaxPooling1D", "MaxPool1D", (3, 1, "same", None, "mp1")),
    ("MaxPooling2D", "MaxPool2D", ((3, 3), 1, "same", None, "mp2")),
    ("MaxPooling3D", "MaxPool3D", ((3, 3, 3), 1, "same", None, "mp3")),
])
def test_max_pooling_name_in_keras3_place(name, alias, args):
    reference = REF["max_pooling_positional_configs"][name]
    assert layer_config(getattr(keras.layers, name)(*args)) == reference
    assert layer_config(getattr(keras.layers, alias)(*args)) == reference
    by_keyword = getattr(keras.layers, name)(pool_size=args[0], strides=1, padding="same", name=args[-1])
    assert layer_config(by_keyword) == reference


def test_random_crop_name_in_keras3_place():
    assert layer_config(keras.layers.RandomCrop(3, 4, 7, None, "rc")) == REF["random_crop_positional_config"]
    assert keras.layers.RandomCrop(3, 4, seed=7, name="rc").name == "rc"


# -- keras.saving.save_weights / load_weights -----------------------------------------------------

def _model():
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(2)(inputs))


def test_saving_weights_keras3_parameters(tmp_path):
    model, other = _model(), _model()
    path = str(tmp_path / "m.weights.h5")
    keras.saving.save_weights(model, path, True, None)  # Keras 3: (model, filepath, overwrite, max_shard_size)
    keras.saving.load_weights(other, path, False)       # Keras 3: (model, filepath, skip_mismatch)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    keras.saving.load_weights(other, path, skip_mismatch=True)
    model.save_weights(path, overwrite=True)  # the Model methods' keywords still reach them
    other.load_weights(path, skip_mismatch=False)


def test_save_weights_max_shard_size_is_refused_clearly(tmp_path):
    path = tmp_path / "m.weights.h5"
    with pytest.raises(NotImplementedError, match="max_shard_size"):
        keras.saving.save_weights(_model(), str(path), max_shard_size=1)
    assert not path.exists()
