"""Keras 3's int4 mode of Dense, EinsumDense and Embedding (keras-io's int4_quantization_in_keras guide) against
real Keras 3.15.1 (tests/fixtures/make_kio_int4_quantization_reference.py): bit-identical packed
kernels, scales, zero points and group indices from the same float weights, the same outputs, Keras'
int4 `.keras` file loading, and a tkeras-written file holding Keras' variables in Keras' order."""
import json
import pathlib
import zipfile

import h5py
import numpy as np
import pytest
import torch

import tkeras as keras

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "kio_int4_quantization_reference.json").read_text())
BLOCK_SIZES = {"default": None, "per_channel": -1, "block4": 4}


def _quantized(kind, block):
    data = REFERENCE[kind]
    if kind == "embedding":
        layer = keras.layers.Embedding(7, 9, name="embedding")
        layer.build()
        layer.set_weights([np.asarray(data["kernel"], "float32")])
        config = None if block is None else keras.quantizers.Int4QuantizationConfig(block_size=block)
        layer.quantize("int4", config=config)
        return layer, np.asarray(data["inputs"], "int32")
    if kind == "dense":
        layer = keras.layers.Dense(5, name="dense")
        layer.build((None, 10))
    else:
        layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 3, 5), bias_axes="de", name="einsum")
        layer.build((None, 4, 6))
    layer.set_weights([np.asarray(data["kernel"], "float32"), np.asarray(data["bias"], "float32")])
    config = None if block is None else keras.quantizers.Int4QuantizationConfig(block_size=block)
    layer.quantize("int4", config=config)
    return layer, np.asarray(data["inputs"], "float32")


@pytest.mark.parametrize("kind", ["dense", "einsum", "embedding"])
@pytest.mark.parametrize("label", list(BLOCK_SIZES))
def test_quantize_int4_matches_keras_bit_for_bit(kind, label):
    expected = REFERENCE["cases"][f"{kind}_{label}"]
    layer, inputs = _quantized(kind, BLOCK_SIZES[label])
    assert layer.dtype_policy.name == expected["policy"]
    assert layer.get_config()["quantization_config"] == expected["quantization_config"]
    got = {w.name: w for w in layer.weights}
    assert sorted(got) == sorted(expected["variables"])
    for name, want in expected["variables"].items():
        value = got[name].detach().numpy()
        assert str(value.dtype) == want["dtype"] and list(value.shape) == want["shape"], name
        if name.endswith("_scale"):
            np.testing.assert_allclose(value, np.asarray(want["value"], value.dtype), rtol=1e-6, err_msg=name)
        else:
            np.testing.assert_array_equal(value, np.asarray(want["value"], value.dtype), err_msg=name)
    np.testing.assert_allclose(np.asarray(layer(inputs)), np.asarray(expected["outputs"]), rtol=1e-5, atol=1e-5)


def test_int4_inputs_gradient_goes_through_the_dequantized_kernel():
    layer, inputs = _quantized("dense", 4)
    packed_variable = next(w for w in layer.weights if w.path.endswith("/kernel"))
    packed = packed_variable.detach().clone()
    x = torch.tensor(inputs, requires_grad=True)
    layer(x).sum().backward()
    groups = layer.g_idx.detach().long()
    values = keras.quantizers.unpack_int4(packed_variable, 5, axis=-1).numpy().astype("float32")
    float_kernel = (values - layer.kernel_zero.numpy()[groups]) * layer.kernel_scale.numpy()[groups]
    np.testing.assert_allclose(x.grad.numpy(), np.tile(float_kernel.sum(1), (3, 1)), rtol=1e-5)
    assert not packed_variable.requires_grad and torch.equal(packed_variable.detach(), packed)


def test_keras_int4_file_loads_and_tkeras_writes_the_same_variables(tmp_path):
    model = keras.saving.load_model(FIXTURES / "kio_int4_keras.keras")
    inputs = np.asarray(REFERENCE["model"]["inputs"], "int32")
    np.testing.assert_allclose(np.asarray(model(inputs)), np.asarray(REFERENCE["model"]["outputs"]),
                               rtol=1e-5, atol=1e-5)
    assert {layer.dtype_policy.name for layer in model.layers[1:]} == {"int4/128_from_float32"}
    path = tmp_path / "again.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive, archive.open("model.weights.h5") as raw, h5py.File(raw) as weights:
        layout = {}
        weights.visititems(lambda name, obj: layout.__setitem__(name, [str(obj.dtype), list(obj.shape)])
                           if isinstance(obj, h5py.Dataset) else None)
    assert layout == REFERENCE["model"]["file_layout"]
    reloaded = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(reloaded(inputs)), np.asarray(REFERENCE["model"]["outputs"]),
                               rtol=1e-5, atol=1e-5)


def test_int4_embedding_table_reads_as_its_int4_values():
    layer, ids = _quantized("embedding", 4)
    packed = np.asarray(REFERENCE["cases"]["embedding_block4"]["variables"]["embeddings"]["value"], "int8")
    table = layer.embeddings.numpy()
    assert table.shape == (7, 9) and table.dtype == np.int8 and table.min() >= -8 and table.max() <= 7
    np.testing.assert_array_equal(keras.quantizers.pack_int4(table, axis=-1)[0].numpy(), packed)


def test_int4_refusals_name_the_layer():
    layer, _ = _quantized("dense", None)
    with pytest.raises(ValueError, match="already quantized"):
        layer.quantize("int4")
    with pytest.raises(NotImplementedError, match="Dense 'dense': LoRA on an int4-quantized layer"):
        layer.enable_lora(2)
    lora = keras.layers.Dense(3, name="adapted")
    lora.build((None, 4))
    lora.enable_lora(2)
    with pytest.raises(NotImplementedError, match="Dense 'adapted': quantize.'int4'. with LoRA enabled"):
        lora.quantize("int4")
