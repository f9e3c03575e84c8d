"""JaxLayer, FlaxLayer and TFSMLayer exist, as in Keras 3 on its torch backend, and refuse to be built."""
import pytest

import tkeras as keras


def test_the_names_exist_and_are_layers():
    assert issubclass(keras.layers.JaxLayer, keras.layers.Layer)
    assert issubclass(keras.layers.FlaxLayer, keras.layers.JaxLayer)  # Keras' hierarchy
    assert issubclass(keras.layers.TFSMLayer, keras.layers.Layer)
    assert {"JaxLayer", "FlaxLayer", "TFSMLayer"} <= set(dir(keras.layers))


@pytest.mark.parametrize("build, error, names", [
    (lambda: keras.layers.JaxLayer(lambda params, inputs: inputs), ValueError, ("JaxLayer", "JAX functions")),
    (lambda: keras.layers.FlaxLayer(object()), ValueError, ("FlaxLayer", "Flax modules")),
])
def test_jax_layers_raise_a_value_error_naming_the_backend_and_the_replacement(build, error, names):
    with pytest.raises(error) as info:
        build()
    message = str(info.value)
    assert message.startswith(f"{names[0]} needs Keras on the JAX or TensorFlow backend to run {names[1]}")
    assert "'torch'" in message and "TorchModuleWrapper" in message


def test_tfsm_layer_raises_not_implemented_naming_the_file_and_the_replacement():
    with pytest.raises(NotImplementedError) as info:
        keras.layers.TFSMLayer("exported/model", call_endpoint="serving_default")
    message = str(info.value)
    assert message.startswith("TFSMLayer('exported/model') loads a TensorFlow SavedModel")
    assert "keras.models.load_model" in message


def test_a_config_naming_jax_layer_fails_as_construction_does():
    with pytest.raises(ValueError, match="JaxLayer needs Keras on the JAX or TensorFlow backend"):
        keras.layers.deserialize({"class_name": "JaxLayer", "config": {"call_fn": None}})
