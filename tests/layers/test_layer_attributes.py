"""Instance attributes of built layers match real Keras 3 and tf-keras 2 (names, values and types).

The reference is tests/fixtures/layer_attributes_reference.json, written by
tests/fixtures/make_layer_attributes_reference.py under Keras 3.15.1 and tf-keras 2.21.
"""
import json
import os

import numpy as np
import pytest

import tkeras as keras

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = json.load(open(os.path.join(HERE, "..", "fixtures", "layer_attributes_reference.json")))

# Public names the reference layers have that tkeras leaves out on purpose: backend machinery
# (seed generators, the dynamic backend, quantization and serialization internals) and tf.Module /
# TF-graph details.
NOT_MIRRORED = {
    "keras3": {"seed_generator", "variable_serialization_spec", "quantization_config", "single_state",
               "gptq_unpacked_column_size"},
    "tf_keras": {"submodules", "outbound_nodes", "constants_spec", "state_spec", "return_runtime", "name_scope",
                 "with_name_scope"},
}


def _cases(which):
    return sorted((which, case) for case in REFERENCE[which] if case != "functional")


def _make(name, args, kwargs):
    def arg(value):
        if isinstance(value, dict) and "layer" in value:
            return _make(value["layer"], value.get("args", []), value.get("kwargs", {}))
        return tuple(value) if isinstance(value, list) and name == "Permute" else value
    return getattr(keras.layers, name)(*[arg(a) for a in args], **kwargs)


def _call_on_ones(layer, shape):
    if shape is None:
        return
    if isinstance(shape, dict):
        layer(*[np.ones(s, "float32") for s in shape["positional"]])
    elif isinstance(shape[0], list):
        layer([np.ones(s, "float32") for s in shape])
    else:
        layer(np.ones(shape, "float32"))


def _encode(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value.item() if hasattr(value, "item") else value
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return {"list": [_encode(v) for v in value]}
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return {"shape": [int(d) for d in value.shape]}
    return {"class": type(value).__name__}


def _built(entry):
    layer = _make(entry["class"], entry["args"], entry["kwargs"])
    _call_on_ones(layer, entry["input_shape"])
    return layer


@pytest.mark.parametrize("which,case", _cases("keras3") + _cases("tf_keras"))
def test_attribute_values_match_reference(which, case):
    entry = REFERENCE[which][case]
    layer = _built(entry)
    got = {name: _encode(getattr(layer, name)) for name in entry["values"]}
    assert got == entry["values"]


@pytest.mark.parametrize("which,case", [(w, c) for w, c in _cases("keras3") + _cases("tf_keras")
                                        if "names" in REFERENCE[w][c]])
def test_public_attribute_names_present(which, case):
    entry = REFERENCE[which][case]
    layer = _built(entry)
    missing = set(entry["names"]) - set(dir(layer)) - NOT_MIRRORED[which]
    assert not sorted(missing)


@pytest.mark.parametrize("which", ["keras3", "tf_keras"])
def test_input_and_output_of_a_symbolic_call(which):
    expected = REFERENCE[which]["functional"]
    inputs = keras.Input((4,))
    dense = keras.layers.Dense(3)
    outputs = dense(inputs)
    assert list(dense.input.shape) == expected["input_shape"]
    assert list(dense.output.shape) == expected["output_shape"]
    assert (dense.input is inputs) == expected["input_is_model_input"]
    assert (dense.output is outputs) == expected["output_is_call_output"]
    assert hasattr(keras.layers.Dense(3), "output") == expected["unconnected_has_output"]


def test_feature_extractor_from_layer_outputs():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(5, name="hidden")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2)(hidden))
    extractor = keras.Model(model.input, model.get_layer("hidden").output)
    x = np.arange(8, dtype="float32").reshape(2, 4)
    np.testing.assert_allclose(np.asarray(extractor.predict(x, verbose=0)),
                               np.asarray(model.get_layer("hidden")(x)), rtol=1e-6)
    first = model.layers[0]
    assert first.output is first.input is model.input
    assert len(model.get_layer("hidden").inbound_nodes) == 1
    assert model.get_layer("hidden").input_mask is None


def test_autocast_and_call_parameters():
    layer = keras.layers.Dense(2)
    assert layer.autocast is True
    assert keras.layers.Dense(2, autocast=False).autocast is False
    assert layer.call_signature_parameters[0] == "inputs"
    assert keras.layers.SimpleRNNCell(2).call_signature_parameters[:2] == ["inputs", "states"]


def test_one_dimensional_cropping_and_padding_still_compute():
    x = np.arange(24, dtype="float32").reshape(1, 8, 3)
    assert tuple(keras.layers.Cropping1D((1, 2))(x).shape) == (1, 5, 3)
    assert tuple(keras.layers.ZeroPadding1D((2, 1))(x).shape) == (1, 11, 3)
    assert keras.layers.ZeroPadding1D((2, 1)).get_config()["padding"] == (2, 1)
    assert keras.layers.Cropping1D((1, 2)).get_config()["cropping"] == (1, 2)


def test_rnn_implementation_reaches_the_cell():
    layer = keras.layers.GRU(3, implementation=1, use_cudnn=False)
    assert layer.implementation == layer.cell.implementation == 1
    assert layer.use_cudnn is False
    assert keras.layers.RNN(keras.layers.SimpleRNNCell(2), time_major=True).time_major is True
