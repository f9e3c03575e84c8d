"""Keras 3's Int8QuantizationConfig (and per-channel Int4QuantizationConfig) with custom quantizers on Dense,
against real Keras 3.15.1
(tests/fixtures/make_kio_int8_custom_quantizers_reference.py): a weight quantizer with its own value range,
weight-only int8 (activation_quantizer=None), a Quantizer subclass for the inputs, kept as
`layer.inputs_quantizer`; the int8/int4 kernel and its scales, the outputs and the inputs' gradient."""
import json
import pathlib

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import ops
from tkeras.quantizers import AbsMaxQuantizer, Int4QuantizationConfig, Int8QuantizationConfig, Quantizer

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "kio_int8_custom_quantizers_reference.json").read_text())
KERNEL = np.asarray(REFERENCE["kernel"], "float32")
BIAS = np.asarray(REFERENCE["bias"], "float32")
X = np.asarray(REFERENCE["x"], "float32")


class HalfRangeQuantizer(Quantizer):
    """The fixture script's Quantizer subclass: abs-max onto [-63, 63] along the axis it is given."""

    def __init__(self, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)

    def __call__(self, x, axis=-1, to_numpy=False):
        scale = ops.divide(63.0, ops.add(ops.max(ops.abs(x), axis=axis, keepdims=True), 1e-7))
        values = ops.clip(ops.round(ops.multiply(x, scale)), -63, 63)
        return ops.cast(values, self.output_dtype), scale

    def get_config(self):
        return {"output_dtype": self.output_dtype}


CONFIGS = {
    "weight_and_activation_range_100": lambda: Int8QuantizationConfig(
        weight_quantizer=AbsMaxQuantizer(value_range=(-100, 100), axis=0),
        activation_quantizer=AbsMaxQuantizer(value_range=(-100, 100), axis=-1)),
    "weight_only": lambda: Int8QuantizationConfig(activation_quantizer=None),
    "custom_activation_subclass": lambda: Int8QuantizationConfig(
        weight_quantizer=AbsMaxQuantizer(axis=0), activation_quantizer=HalfRangeQuantizer()),
    "weight_range_31": lambda: Int8QuantizationConfig(weight_quantizer=AbsMaxQuantizer(value_range=(-31, 31), axis=0)),
    "int4_weight_quantizer": lambda: Int4QuantizationConfig(
        weight_quantizer=AbsMaxQuantizer(value_range=(-8, 7), output_dtype="int8", axis=0),
        activation_quantizer=None, block_size=None),
    "int4_weight_and_activation": lambda: Int4QuantizationConfig(
        weight_quantizer=AbsMaxQuantizer(value_range=(-8, 7), axis=0, epsilon=1e-3),
        activation_quantizer=AbsMaxQuantizer(value_range=(-100, 100), axis=-1), block_size=None),
}


def _quantized_dense(name):
    layer = keras.layers.Dense(4)
    layer.build((None, 6))
    layer.set_weights([KERNEL, BIAS])
    config = CONFIGS[name]()
    layer.quantize(config.mode, config=config)
    return layer


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_custom_int8_quantizers_match_keras(name):
    expected = REFERENCE["cases"][name]
    layer = _quantized_dense(name)
    assert layer.dtype_policy.name == expected["dtype_policy"]
    assert (type(layer.inputs_quantizer).__name__ if layer.inputs_quantizer else None) == expected["inputs_quantizer"]
    np.testing.assert_array_equal(np.asarray(layer.kernel).astype(int), np.asarray(expected["kernel"]))
    np.testing.assert_allclose(layer.kernel_scale.detach().numpy(), expected["kernel_scale"], rtol=1e-6)
    inputs = torch.tensor(X, requires_grad=True)
    outputs = torch.as_tensor(layer(inputs))
    np.testing.assert_allclose(outputs.detach().numpy(), expected["outputs"], rtol=1e-5, atol=1e-5)
    (outputs * torch.arange(4, dtype=torch.float32)).sum().backward()
    np.testing.assert_allclose(inputs.grad.numpy(), expected["input_grad"], rtol=1e-5, atol=1e-5)


def test_custom_activation_quantizer_is_kept_as_inputs_quantizer():
    layer = _quantized_dense("custom_activation_subclass")
    assert isinstance(layer.inputs_quantizer, HalfRangeQuantizer)
    assert isinstance(layer.quantization_config.activation_quantizer, HalfRangeQuantizer)


def test_weight_quantizer_with_a_scale_per_input_row_is_refused_by_name():
    layer = keras.layers.Dense(4, name="per_row")
    layer.build((None, 6))
    with pytest.raises(ValueError, match="per_row.*weight_quantizer"):
        layer.quantize("int8", config=Int8QuantizationConfig(weight_quantizer=AbsMaxQuantizer(axis=1)))


EINSUM = REFERENCE["einsum"]


@pytest.mark.parametrize("name", sorted(EINSUM["cases"]))
def test_einsum_dense_custom_int8_quantizers_match_keras(name):
    expected = EINSUM["cases"][name]
    layer = keras.layers.EinsumDense("abc,cde->abde", (3, 2, 3), bias_axes="de")
    layer.build((None, 3, 6))
    layer.set_weights([np.asarray(EINSUM["kernel"], "float32"), np.asarray(EINSUM["bias"], "float32")])
    layer.quantize("int8", config=CONFIGS[name]())
    assert (type(layer.inputs_quantizer).__name__ if layer.inputs_quantizer else None) == expected["inputs_quantizer"]
    np.testing.assert_array_equal(np.asarray(layer.kernel).astype(int), np.asarray(expected["kernel"]))
    np.testing.assert_allclose(layer.kernel_scale.detach().numpy(), expected["kernel_scale"], rtol=1e-6)
    inputs = torch.tensor(np.asarray(EINSUM["x"], "float32"), requires_grad=True)
    outputs = torch.as_tensor(layer(inputs))
    np.testing.assert_allclose(outputs.detach().numpy(), expected["outputs"], rtol=1e-5, atol=1e-5)
    (outputs * torch.arange(6, dtype=torch.float32).reshape(2, 3)).sum().backward()
    np.testing.assert_allclose(inputs.grad.numpy(), expected["input_grad"], rtol=1e-5, atol=1e-5)


def test_einsum_dense_weight_quantizer_on_the_wrong_axes_is_refused_by_name():
    layer = keras.layers.EinsumDense("abc,cde->abde", (3, 2, 3), name="proj")
    layer.build((None, 3, 6))
    with pytest.raises(ValueError, match="EinsumDense 'proj'.*contracted axes"):
        layer.quantize("int8", config=Int8QuantizationConfig(weight_quantizer=AbsMaxQuantizer(axis=1)))


EMBEDDING = REFERENCE["embedding"]
EMBEDDING_CONFIGS = {
    "weight_range_100": lambda: Int8QuantizationConfig(
        weight_quantizer=AbsMaxQuantizer(value_range=(-100, 100), axis=-1), activation_quantizer=None),
    "weight_range_15_with_activation": lambda: Int8QuantizationConfig(
        weight_quantizer=AbsMaxQuantizer(value_range=(-15, 15), axis=-1),
        activation_quantizer=AbsMaxQuantizer(value_range=(-100, 100))),
}


@pytest.mark.parametrize("name", sorted(EMBEDDING_CONFIGS))
def test_embedding_custom_int8_weight_quantizer_matches_keras(name):
    expected = EMBEDDING["cases"][name]
    layer = keras.layers.Embedding(7, 5)
    layer.build()
    layer.set_weights([np.asarray(EMBEDDING["table"], "float32")])
    layer.quantize("int8", config=EMBEDDING_CONFIGS[name]())
    np.testing.assert_array_equal(np.asarray(layer.embeddings).astype(int), np.asarray(expected["embeddings"]))
    np.testing.assert_allclose(layer.embeddings_scale.detach().numpy(), expected["embeddings_scale"], rtol=1e-6)
    outputs = np.asarray(layer(np.asarray(EMBEDDING["ids"], "int32")))
    np.testing.assert_allclose(outputs, expected["outputs"], rtol=1e-6, atol=1e-6)
