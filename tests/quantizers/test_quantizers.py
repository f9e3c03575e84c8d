"""keras.quantizers: the maths against NumPy formulas written here and against real Keras 3.15.1's
outputs on the same inputs (tests/fixtures/quantization_reference.json); configs against Keras' configs."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import quantizers
from tkeras.saving import deserialize_keras_object, serialize_keras_object

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "quantization_reference.json")
with open(FIXTURE) as handle:
    FILE = json.load(handle)
REFERENCE, CONFIGS = FILE["quantizers"], FILE["configs"]


def array(entry):
    return np.array(entry["value"], dtype=entry["dtype"])


X = array(REFERENCE["x"])


def numpy_of(value):
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)


@pytest.mark.parametrize("axis", [-1, 0])
def test_abs_max_quantize_is_the_abs_max_formula_and_matches_keras(axis):
    q, scale = quantizers.abs_max_quantize(X, axis=axis)
    expected_scale = 127 / (np.abs(X).max(axis=axis, keepdims=True) + 1e-7)
    np.testing.assert_allclose(numpy_of(scale), expected_scale, rtol=1e-6)
    assert q.dtype == torch.int8
    np.testing.assert_array_equal(numpy_of(q), np.clip(np.round(X * expected_scale), -127, 127))
    keras_out = REFERENCE[f"abs_max_axis{axis}"]
    np.testing.assert_array_equal(numpy_of(q), array(keras_out["q"]))
    np.testing.assert_allclose(numpy_of(scale), array(keras_out["scale"]), rtol=1e-6)


def test_abs_max_quantize_on_the_host_and_the_quantizer_class():
    q, scale = quantizers.abs_max_quantize(X, axis=-1, value_range=(-8, 7), to_numpy=True)
    np.testing.assert_array_equal(numpy_of(q), array(REFERENCE["abs_max_int4_numpy"]["q"]))
    np.testing.assert_allclose(numpy_of(scale), array(REFERENCE["abs_max_int4_numpy"]["scale"]), rtol=1e-6)
    q, scale = quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100))(X)
    np.testing.assert_array_equal(numpy_of(q), array(REFERENCE["abs_max_quantizer_call"]["q"]))
    with pytest.raises(ValueError, match="value_range=\\(-200, 200\\).*int8"):
        quantizers.AbsMaxQuantizer(value_range=(-200, 200))


@pytest.mark.parametrize("to_numpy", [False, True])
def test_grouped_quantization_with_zero_point_matches_keras(to_numpy):
    q, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(X, block_size=4, to_numpy=to_numpy)
    expected = REFERENCE[f"grouped_to_numpy_{to_numpy}"]
    np.testing.assert_array_equal(numpy_of(q), array(expected["q"]))
    np.testing.assert_allclose(numpy_of(scale), array(expected["scale"]), rtol=1e-6)
    np.testing.assert_array_equal(numpy_of(zero), array(expected["zero"]))
    # The formula, in NumPy: per group of 4 rows (the last zero-padded), scale = range / 15 and
    # zero = clip(round(-min / scale) - 8); the host path adds epsilon to the range, the tensor path
    # widens an empty range instead.
    padded = np.concatenate([X, np.zeros((2, 5), "float32")]).reshape(2, 4, 5)
    low, high = padded.min(axis=1), padded.max(axis=1)
    by_hand = (high - low + 1e-7) / 15 if to_numpy else (high - low) / 15
    np.testing.assert_allclose(numpy_of(scale), by_hand, rtol=1e-5)
    np.testing.assert_array_equal(numpy_of(zero), np.clip(np.round(-low / by_hand) - 8, -8, 7))


@pytest.mark.parametrize("axis", [0, 1])
def test_pack_int4_nibbles_and_unpack_round_trip(axis):
    ints = array(REFERENCE["int4"]["x"])
    packed, shape, length = quantizers.pack_int4(ints, axis=axis)
    expected = REFERENCE["int4"][f"axis{axis}"]
    np.testing.assert_array_equal(numpy_of(packed), array(expected["packed"]))
    assert (list(shape), length) == (expected["shape"], expected["orig_len"])
    # The formula: low nibble from element 2k, high nibble from element 2k+1 (two's complement).
    front = np.moveaxis(ints, axis, 0)
    front = np.concatenate([front, np.zeros((len(front) % 2,) + front.shape[1:], "int8")])
    by_hand = ((front[0::2].astype(np.uint8) & 15) | ((front[1::2].astype(np.uint8) & 15) << 4)).view(np.int8)
    np.testing.assert_array_equal(numpy_of(packed), np.moveaxis(by_hand, 0, axis))
    unpacked = quantizers.unpack_int4(packed, length, axis=axis)
    assert unpacked.dtype == torch.int8
    np.testing.assert_array_equal(numpy_of(unpacked), ints)


def test_uint4_packing_and_dtype_errors():
    uints = array(REFERENCE["uint4"]["x"])
    packed, _, length = quantizers.pack_int4(uints, axis=0, dtype="uint8")
    np.testing.assert_array_equal(numpy_of(packed), array(REFERENCE["uint4"]["packed"]))
    np.testing.assert_array_equal(numpy_of(quantizers.unpack_int4(packed, length, dtype="uint8")), uints)
    with pytest.raises(TypeError, match="int8 tensor.*int32"):
        quantizers.pack_int4(np.zeros((2, 2), "int32"))
    with pytest.raises(ValueError, match="dtype must be 'int8' or 'uint8'.*int16"):
        quantizers.unpack_int4(packed, 3, dtype="int16")


@pytest.mark.parametrize("case", ["fake_quant_per_tensor", "fake_quant_narrow_4bit", "fake_quant_per_channel"])
def test_fake_quant_values_and_gradients_match_keras(case):
    expected = REFERENCE[case]
    kwargs = {"fake_quant_per_tensor": dict(min_vals=-4.0, max_vals=3.0),
              "fake_quant_narrow_4bit": dict(min_vals=-2.5, max_vals=5.0, num_bits=4, narrow_range=True),
              "fake_quant_per_channel": dict(min_vals=array(expected.get("low", {"value": 0, "dtype": "float32"})),
                                             max_vals=array(expected.get("high", {"value": 0, "dtype": "float32"})),
                                             axis=-1)}[case]
    x = torch.tensor(X, requires_grad=True)
    low = torch.tensor(np.float32(kwargs.pop("min_vals")), requires_grad=True)
    high = torch.tensor(np.float32(kwargs.pop("max_vals")), requires_grad=True)
    out = quantizers.fake_quant_with_min_max_vars(x, low, high, **kwargs)
    np.testing.assert_allclose(numpy_of(out), array(expected["out"]), atol=1e-6)
    (out * torch.tensor(array(expected["weights"]))).sum().backward()
    for got, want in zip((x.grad, low.grad, high.grad), expected["grads"]):
        np.testing.assert_allclose(numpy_of(got), array(want), atol=1e-5)


def test_fake_quant_output_is_on_the_grid_with_zero_exact():
    out = numpy_of(quantizers.fake_quant_with_min_max_vars(X, -4.0, 3.0))
    step = 7.0 / 255
    assert np.allclose(np.round(out / step), out / step, atol=1e-3)  # multiples of the step
    assert numpy_of(quantizers.fake_quant_with_min_max_vars(np.zeros(3, "float32"), -4.0, 3.0)).tolist() == [0, 0, 0]


def test_float8_scale_and_amax_history_match_keras_and_the_formula():
    ref = REFERENCE["float8_scale"]
    amax, scale = array(ref["amax"]), array(ref["scale"])
    for margin in (0, 2):
        got = numpy_of(quantizers.compute_float8_scale(amax, scale, 448.0, margin=margin))
        np.testing.assert_allclose(got, array(ref[f"margin{margin}"]), rtol=1e-6)
        valid = np.isfinite(amax) & (amax > 0)
        np.testing.assert_allclose(got[valid], amax[valid] * 2 ** margin / 448.0, rtol=1e-6)
        np.testing.assert_allclose(got[~valid], scale[~valid])  # the old scale stays
    history = array(REFERENCE["amax_history"]["history"])
    updated = numpy_of(quantizers.compute_float8_amax_history(X, history))
    np.testing.assert_allclose(updated, array(REFERENCE["amax_history"]["updated"]))
    np.testing.assert_allclose(updated, [np.abs(X).max(), 3.0, 4.0, 1.0])


@pytest.mark.parametrize("qdtype", ["float8_e4m3fn", "float8_e5m2"])
def test_quantize_and_dequantize_matches_keras(qdtype):
    got = numpy_of(quantizers.quantize_and_dequantize(X * 60, np.float32(0.7), qdtype, "float32"))
    np.testing.assert_allclose(got, array(REFERENCE[f"quantize_and_dequantize_{qdtype}"]), rtol=1e-6)
    largest = {"float8_e4m3fn": 448.0, "float8_e5m2": 57344.0}[qdtype]
    assert np.abs(got).max() <= largest * 0.7 + 1e-3


@pytest.mark.parametrize("key", sorted(CONFIGS))
def test_quantizer_and_config_objects_serialize_as_keras_does(key):
    expected = CONFIGS[key]["serialized"]
    for restored in (quantizers.deserialize(expected), quantizers.get(expected), deserialize_keras_object(expected)):
        assert type(restored).__name__ == expected["class_name"]
        assert json.loads(json.dumps(serialize_keras_object(restored))) == expected
        assert json.loads(json.dumps(quantizers.serialize(restored))) == expected
        assert getattr(restored, "mode", None) == CONFIGS[key]["mode"]


def test_get_by_name_and_errors():
    assert isinstance(quantizers.get("abs_max_quantizer", axis=0), quantizers.AbsMaxQuantizer)
    assert quantizers.get("AbsMaxQuantizer").axis is None
    assert keras.Quantizer is quantizers.Quantizer
    with pytest.raises(ValueError, match="cannot interpret 'nope'"):
        quantizers.get("nope")
    with pytest.raises(ValueError, match="weight_bits must be 2, 3, 4 or 8.*5"):
        quantizers.GPTQConfig(None, None, weight_bits=5)
    with pytest.raises(ValueError, match="4 bits only"):
        quantizers.AWQConfig(None, None, weight_bits=8)
    with pytest.raises(ValueError, match="block_size=None or -1"):
        quantizers.Int4QuantizationConfig(weight_quantizer=quantizers.AbsMaxQuantizer(value_range=(-8, 7)))
    with pytest.raises(NotImplementedError, match="Int8QuantizationConfig"):
        quantizers.QuantizationConfig().mode
