"""Keras 3's int8 Embedding and the reads of quantized weights against real Keras 3.15.1
(tests/fixtures/make_kio_int8_embedding_reference.py): the int8 table and per-id scales bit for bit, the
looked-up outputs, the config, Keras' int8 `.keras` file loading (and tkeras' file loading back), and
`kernel` / `embeddings` after int8 (the int8 variable) and int4 (the unpacked values, not the packed ones)."""
import json
import pathlib

import numpy as np
import pytest

import tkeras as keras

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "kio_int8_embedding_reference.json").read_text())
TABLE = np.asarray(REFERENCE["table"], "float32")
IDS = np.asarray(REFERENCE["ids"], "int32")


def _int8_embedding():
    layer = keras.layers.Embedding(7, 5, name="embedding")
    layer.build()
    layer.set_weights([TABLE])
    layer.quantize("int8")
    return layer


def test_int8_embedding_variables_match_keras_bit_for_bit():
    layer = _int8_embedding()
    assert layer.dtype_policy.name == REFERENCE["policy"]
    got = [(w.path, str(w.detach().numpy().dtype), list(w.shape)) for w in layer.weights]
    assert got == [(v["path"], v["dtype"], v["shape"]) for v in REFERENCE["variables"]]
    table, scale = (w.detach().numpy() for w in layer.weights)
    np.testing.assert_array_equal(table, np.asarray(REFERENCE["variables"][0]["value"], "int8"))
    np.testing.assert_allclose(scale, np.asarray(REFERENCE["variables"][1]["value"], "float32"), rtol=1e-7)
    assert not any(w.trainable for w in layer.weights)


def test_int8_embedding_outputs_and_config_match_keras():
    layer = _int8_embedding()
    np.testing.assert_allclose(np.asarray(layer(IDS)), np.asarray(REFERENCE["outputs"]), rtol=1e-6, atol=1e-7)
    assert np.abs(np.asarray(layer(IDS)) - np.asarray(REFERENCE["float_outputs"])).max() < 0.1  # int8 rounding
    config = layer.get_config()
    assert config["quantization_config"]["class_name"] == REFERENCE["quantization_config"]["class_name"]
    assert config["quantization_config"]["config"]["weight_quantizer"] is None
    again = keras.layers.Embedding.from_config(config)
    again.build()
    assert again.dtype_policy.name == REFERENCE["policy"]
    assert [w.path for w in again.weights] == [w.path for w in layer.weights]


def test_keras_int8_embedding_file_loads_and_tkeras_file_loads_back(tmp_path):
    model = keras.saving.load_model(FIXTURES / "kio_int8_embedding_keras.keras")
    expected = np.asarray(REFERENCE["model"]["outputs"])
    np.testing.assert_allclose(np.asarray(model(IDS)), expected, rtol=1e-5, atol=1e-6)
    assert model.get_layer("tokens").dtype_policy.name == "int8_from_float32"
    path = tmp_path / "again.keras"
    model.save(path)
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(again(IDS)), expected, rtol=1e-5, atol=1e-6)


def _quantized_reads(mode):
    kernels = REFERENCE["kernels"]
    dense = keras.layers.Dense(5, name="dense")
    dense.build((None, 6))
    dense.set_weights([np.asarray(kernels["dense"], "float32"), np.zeros(5, "float32")])
    einsum = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 3, 5), name="einsum")
    einsum.build((None, 2, 4))
    einsum.set_weights([np.asarray(kernels["einsum"], "float32")])
    embedding = keras.layers.Embedding(7, 5, name="embedding")
    embedding.build()
    embedding.set_weights([TABLE])
    for layer in (dense, einsum, embedding):
        layer.quantize(mode)
    return {"dense": (dense, dense.kernel), "einsum": (einsum, einsum.kernel),
            "embedding": (embedding, embedding.embeddings)}


@pytest.mark.parametrize("mode", ["int8", "int4"])
def test_quantize_without_config_records_keras_default_config(mode):
    for name, (layer, _) in _quantized_reads(mode).items():
        want = REFERENCE["reads"][f"{name}_{mode}"]["quantization_config"]
        got = layer.get_config()["quantization_config"]
        assert got["class_name"] == want["class_name"], (name, mode)
        assert {k: v for k, v in got["config"].items() if k != "activation_quantizer"} == {
            k: v for k, v in want["config"].items() if k != "activation_quantizer"}, (name, mode)
        wanted_activation = want["config"]["activation_quantizer"]
        activation = got["config"]["activation_quantizer"]
        assert (activation is None) == (wanted_activation is None), (name, mode)
        if activation is not None:
            assert activation["class_name"] == wanted_activation["class_name"]
            assert list(activation["config"]["value_range"]) == list(wanted_activation["config"]["value_range"])


@pytest.mark.parametrize("mode", ["int8", "int4"])
def test_quantized_kernel_reads_what_keras_reads(mode):
    for name, (_, value) in _quantized_reads(mode).items():
        want = REFERENCE["reads"][f"{name}_{mode}"]
        got = value.detach().numpy()
        assert (str(got.dtype), list(got.shape)) == (want["dtype"], want["shape"]), (name, mode)
        np.testing.assert_array_equal(got, np.asarray(want["value"], "int8"), err_msg=f"{name} {mode}")
        assert isinstance(value, keras.Variable) == want["is_variable"], (name, mode)
