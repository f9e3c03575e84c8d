"""QLoRA: LoRA on an int8-quantized Dense / EinsumDense (`quantize("int8")` then `enable_lora(rank)`),
compared with real Keras 3.15.1 (tests/fixtures/make_qlora_reference.py wrote qlora_reference.json):
outputs with fixed A and B, what `kernel` reads, the weights, the config, the arrays a `.keras` file
holds (the merged kernel re-quantized, its new scale; no LoRA weights) and the loaded layer.
"""
import json
import os
import warnings
import zipfile

import h5py
import numpy as np
import pytest
import torch

import tkeras as keras

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "qlora_reference.json")) as _f:
    REF = json.load(_f)


def _a(entry):
    return np.asarray(entry["value"], dtype=entry["dtype"])


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _layer(case):
    if case == "dense":
        return keras.layers.Dense(3, name="dense_q")
    return keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", name="einsum_q")


def _qlora_model(case):
    """The reference case: float weights set, model.quantize("int8"), enable_lora(2), fixed A and B."""
    ref = REF[case]
    layer, x = _layer(case), _a(ref["x"])
    inputs = keras.Input(x.shape[1:])
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([_a(w) for w in ref["float_weights"]])
    model.quantize("int8")
    quantized = _np(model(x))
    layer.enable_lora(2, lora_alpha=ref["lora_alpha"])
    layer.lora_kernel_a.assign(_a(ref["lora_a"]))
    layer.lora_kernel_b.assign(_a(ref["lora_b"]))
    return model, layer, x, quantized


def _file_arrays(path):
    with zipfile.ZipFile(path) as archive, archive.open("model.weights.h5") as raw:
        with h5py.File(raw, "r") as f:
            (key,) = [k for k in f["layers"] if k.startswith(("dense", "einsum"))]
            group = f["layers"][key]["vars"]
            return {k: group[k][()] for k in group}


@pytest.mark.parametrize("case", ["dense", "einsum"])
def test_qlora_outputs_kernel_weights_and_config_match_keras(case):
    ref = REF[case]
    model, layer, x, quantized = _qlora_model(case)
    np.testing.assert_array_equal(_np(layer._kernel), _a(ref["int8_kernel"]))
    np.testing.assert_allclose(_np(layer.kernel_scale), _a(ref["int8_scale"]), rtol=1e-6)
    np.testing.assert_allclose(quantized, _a(ref["out_quantized"]), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(model(x)), _a(ref["out_lora"]), rtol=1e-5, atol=1e-5)
    # `kernel` reads as in Keras: the int8 values plus the scaled update, in the compute dtype
    assert layer.kernel.dtype == torch.float32
    np.testing.assert_allclose(_np(layer.kernel), _a(ref["kernel_property"]), rtol=1e-6, atol=1e-6)
    got = [[w.path.split("/")[-1], list(w.shape), str(w.dtype).replace("torch.", ""), bool(w.trainable)]
           for w in layer.weights]
    assert got == ref["weights"]
    assert [w.path.split("/")[-1] for w in layer.trainable_weights] == ref["trainable_weights"]
    config = layer.get_config()
    assert (config["lora_rank"], config["lora_alpha"]) == (ref["config"]["lora_rank"], ref["config"]["lora_alpha"])
    assert layer.dtype_policy.name == "int8_from_float32"


@pytest.mark.parametrize("case", ["dense", "einsum"])
def test_qlora_file_holds_requantized_merged_kernel_as_keras(case, tmp_path):
    ref = REF[case]
    model, layer, x, _ = _qlora_model(case)
    path = str(tmp_path / "m.keras")
    model.save(path)
    arrays = _file_arrays(path)
    assert sorted(arrays) == sorted(ref["file_vars"])  # kernel, bias, kernel_scale: no LoRA weights
    for key, entry in ref["file_vars"].items():
        assert arrays[key].dtype == np.dtype(entry["dtype"]) and list(arrays[key].shape) == entry["shape"]
        if entry["dtype"] == "int8":
            assert np.abs(arrays[key].astype(int) - _a(entry).astype(int)).max() <= 1
        else:
            np.testing.assert_allclose(arrays[key], _a(entry), rtol=1e-5)
    # the layer itself is unchanged by saving
    np.testing.assert_allclose(_np(model(x)), _a(ref["out_lora"]), rtol=1e-5, atol=1e-5)
    loaded = keras.saving.load_model(path)
    loaded_layer = loaded.get_layer(layer.name)
    assert loaded_layer.lora_enabled and loaded_layer.quantization_mode == "int8"
    np.testing.assert_array_equal(_np(loaded_layer.lora_kernel_a), _a(ref["loaded"]["lora_a"]))  # zeros
    np.testing.assert_array_equal(_np(loaded_layer.lora_kernel_b), _a(ref["loaded"]["lora_b"]))
    np.testing.assert_allclose(_np(loaded(x)), _a(ref["out_loaded"]), rtol=1e-4, atol=1e-4)
    got = [[w.path.split("/")[-1], list(w.shape), str(w.dtype).replace("torch.", ""), bool(w.trainable)]
           for w in loaded_layer.weights]
    assert got == ref["loaded"]["weights"]


def _guide_model():
    """The Keras guide's flow: a float model, model.quantize("int8"), enable_lora on its Dense layers."""
    keras.utils.set_random_seed(3)
    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(8, activation="relu", name="d1")(inputs)
    hidden = keras.layers.EinsumDense("ab,bc->ac", output_shape=8, bias_axes="c", name="e1")(hidden)
    outputs = keras.layers.Dense(2, name="d2")(hidden)
    model = keras.Model(inputs, outputs)
    model.quantize("int8")
    for name in ("d1", "e1", "d2"):
        model.get_layer(name).enable_lora(4)
    return model


def test_qlora_fit_moves_only_lora_weights_and_bias(tmp_path):
    model = _guide_model()
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 6)).astype("float32"), rng.normal(size=(32, 2)).astype("float32")
    frozen = {(layer.name, n): _np(getattr(layer, n)).copy() for layer in model.layers[1:]
              for n in ("_kernel", "kernel_scale")}
    lora = {(layer.name, n): _np(getattr(layer, n)).copy() for layer in model.layers[1:]
            for n in ("lora_kernel_a", "lora_kernel_b")}
    for layer in model.layers[1:]:
        assert {w.path.split("/")[-1] for w in layer.trainable_weights} == {"bias", "lora_kernel_a", "lora_kernel_b"}
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    for (name, attr), before in frozen.items():
        np.testing.assert_array_equal(_np(getattr(model.get_layer(name), attr)), before)
    for (name, attr), before in lora.items():
        assert not np.allclose(_np(getattr(model.get_layer(name), attr)), before), (name, attr)
    assert model.get_layer("d1")._kernel.dtype == torch.int8
    # .keras round trip: the merged kernel, re-quantized; LoRA restarts at zero in the loaded model
    expected = _np(model.predict(x, verbose=0))
    path = str(tmp_path / "guide.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    for layer in loaded.layers[1:]:
        assert layer.lora_enabled and layer.lora_rank == 4 and layer.quantization_mode == "int8"
        assert not _np(layer.lora_kernel_b).any()
    assert not _np(layer.lora_kernel_a).any()  # Keras zeroes A too (so both restart at zero)
    np.testing.assert_allclose(_np(loaded.predict(x, verbose=0)), expected, rtol=0.05, atol=0.05)


def test_qlora_inputs_gradient_includes_lora_term():
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    layer.quantize("int8")
    layer.enable_lora(2)
    layer.lora_kernel_b.assign(np.full((2, 3), 0.5, "float32"))
    x = torch.randn(5, 4, requires_grad=True)
    layer(x).sum().backward()
    dequantized = _np(layer._kernel).astype("float32") / _np(layer.kernel_scale)
    delta = _np(layer.lora_kernel_a) @ _np(layer.lora_kernel_b)
    np.testing.assert_allclose(_np(x.grad), np.tile((dequantized + delta).sum(1), (5, 1)), rtol=1e-5, atol=1e-5)


def test_quantize_after_enable_lora_quantizes_the_frozen_kernel_as_keras():
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    base = _np(layer.kernel).copy()
    layer.enable_lora(2)
    layer.lora_kernel_b.assign(np.full((2, 3), 0.25, "float32"))
    layer.quantize("int8")
    assert layer.lora_enabled and layer._kernel.dtype == torch.int8
    dequantized = _np(layer._kernel).astype("float32") / _np(layer.kernel_scale)
    np.testing.assert_allclose(dequantized, base, atol=np.abs(base).max() / 127)
    x = np.random.default_rng(1).normal(size=(2, 4)).astype("float32")
    delta = _np(layer.lora_kernel_a) @ _np(layer.lora_kernel_b)
    np.testing.assert_allclose(_np(layer(x)), x @ (base + delta) + _np(layer.bias), rtol=0.05, atol=0.05)


def test_qlora_refusals_name_the_layer_and_mode():
    layer = keras.layers.Dense(3, name="proj")
    layer.build((None, 4))
    with pytest.raises(NotImplementedError, match=r"Dense 'proj'.*float8"):
        layer.quantize("float8")
    layer.quantize("int8")
    layer.enable_lora(2)
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)
    with pytest.raises(ValueError, match="already quantized"):
        layer.quantize("int8")


def test_model_quantize_warns_once_per_leaf_layer_without_a_quantized_form():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(3, name="d1")(inputs)
    hidden = keras.layers.Dropout(0.1, name="drop")(hidden)
    hidden = keras.layers.LayerNormalization(name="norm")(hidden)
    model = keras.Model(inputs, keras.layers.Dense(2, name="d2")(hidden))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.quantize("int8")
    messages = [str(w.message) for w in caught if "has no quantized form" in str(w.message)]
    # Keras warns for the same layers (its wording: REF["quantize_warnings"]), InputLayer included
    expected = [m.split()[1] for m in REF["quantize_warnings"] if "quantize` method" in m]
    assert sorted(m.split(": ")[1].split()[0] for m in messages) == sorted(expected)  # tkeras walks in another order
    assert all("'drop'" in m or "'norm'" in m or "InputLayer" in m for m in messages)
    assert model.get_layer("d1").quantization_mode == "int8" and model.get_layer("d2").quantization_mode == "int8"
