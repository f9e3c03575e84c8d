"""Keras 3's int8 mode of Dense and EinsumDense against real Keras 3.15.1: the same int8 kernels and
scales from the same float weights, the same outputs, files crossing in both directions
(tests/fixtures/quantization/, made by the scripts there), and outputs within the int8 bound of the
float layers."""
import importlib.util
import json
import os
import pathlib
import zipfile

import h5py
import numpy as np
import pytest
import torch

import tkeras as keras

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "quantization"
REFERENCE = np.load(FIXTURES / "keras_int8_reference.npz")


def _int8_model():
    spec = importlib.util.spec_from_file_location("int8_model", FIXTURES / "int8_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build(keras)
    model.set_weights([REFERENCE[f"float_weight_{i}"] for i in range(6)])
    return model


def test_quantize_matches_keras_kernels_scales_and_outputs():
    model = _int8_model()
    x = REFERENCE["x"]
    np.testing.assert_allclose(model.predict(x, verbose=0), REFERENCE["float_outputs"], rtol=1e-5, atol=1e-6)
    for layer in model.layers:
        try:
            layer.quantize("int8")
        except NotImplementedError:  # every layer has quantize(), as in Keras; most have no quantized form
            pass
    for layer in ("einsum_tokens", "einsum_heads", "dense_out"):
        ours = model.get_layer(layer)
        assert str(ours.dtype_policy.name) == "int8_from_float32"
        kernel = REFERENCE[f"int8/{layer}/kernel"]
        assert ours.kernel.dtype == torch.int8 and tuple(ours.kernel.shape) == kernel.shape
        assert np.abs(ours.kernel.numpy().astype(int) - kernel.astype(int)).max() <= 1  # a rounding tie at most
        assert (ours.kernel.numpy() == kernel).mean() > 0.99
        np.testing.assert_allclose(ours.kernel_scale.numpy(), REFERENCE[f"int8/{layer}/kernel_scale"], rtol=1e-6)
    got = model.predict(x, verbose=0)
    np.testing.assert_allclose(got, REFERENCE["int8_outputs"], rtol=1e-4, atol=1e-4)
    # int8 on both operands: each product is off by at most half a step of either scale
    assert np.abs(got - REFERENCE["float_outputs"]).max() < 0.05 * np.abs(REFERENCE["float_outputs"]).max()


def test_dense_int8_error_stays_within_the_rounding_bound():
    rng = np.random.default_rng(5)
    layer = keras.layers.Dense(24)
    x = rng.normal(size=(16, 40)).astype("float32")
    reference = layer(x).numpy()
    kernel, bias = (w.copy() for w in layer.get_weights())
    layer.quantize("int8")
    got = layer(x).numpy()
    # |x k - xq kq / (sx sk)| <= sum_i |x_i| |dk_i| + |dx_i| |k_i| + |dx_i| |dk_i|, with |dx| <= step_x / 2
    step_x = np.abs(x).max(-1, keepdims=True) / 127
    step_k = np.abs(kernel).max(0, keepdims=True) / 127
    bound = (np.abs(x) @ (step_k / 2 * np.ones_like(kernel)) + (step_x / 2) @ np.abs(kernel).sum(0, keepdims=True)
             + (step_x / 2) * (step_k / 2) * x.shape[-1])
    assert np.all(np.abs(got - reference) <= bound + 1e-5)
    assert not np.allclose(got, reference, atol=1e-7)  # it really ran on int8 values


def test_weights_file_layout_and_round_trip(tmp_path):
    model = _int8_model()
    for name in ("einsum_tokens", "einsum_heads", "dense_out"):
        model.get_layer(name).quantize("int8")
    path = tmp_path / "int8.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        archive.extract("model.weights.h5", tmp_path)
        config = json.loads(archive.read("config.json"))
    with h5py.File(tmp_path / "model.weights.h5") as weights:
        group = weights["layers/dense/vars"]  # paths by class, as Keras 3 writes them
        assert [group[k].dtype.name for k in ("0", "1", "2")] == ["int8", "float32", "float32"]  # kernel, bias, scale
        assert group["2"].shape == (3,)
        assert weights["layers/einsum_dense_1/vars/2"].shape == (1, 1, 2, 4)
    dense_config = next(layer for layer in config["config"]["layers"] if layer["name"] == "dense_out")["config"]
    assert "int8_from_float32" in json.dumps(dense_config["dtype"])
    x = REFERENCE["x"]
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    if os.environ.get("TKERAS_WRITE_FIXTURES"):  # for check_int8_in_real_keras.py
        model.save(FIXTURES / "tkeras_int8.keras")
        np.savez(FIXTURES / "tkeras_int8_outputs.npz", x=x, outputs=model.predict(x, verbose=0))


def test_loads_the_file_keras_wrote():
    model = keras.models.load_model(FIXTURES / "keras_int8.keras")
    assert model.get_layer("dense_out").kernel.dtype == torch.int8
    np.testing.assert_allclose(model.predict(REFERENCE["x"], verbose=0), REFERENCE["int8_outputs"], rtol=1e-5,
                               atol=1e-6)


def test_real_keras_reads_the_file_tkeras_wrote():
    record = json.loads((FIXTURES / "real_keras_reads_tkeras_int8.json").read_text())
    assert record["keras_version"] == "3.15.1" and record["max_abs_difference"] < 1e-5
    assert record["weights"]["dense_out/kernel"] == "int8" and record["policies"]["dense_out"] == "int8_from_float32"
    loaded = keras.models.load_model(FIXTURES / "tkeras_int8.keras")  # the very file Keras read
    outputs = np.load(FIXTURES / "tkeras_int8_outputs.npz")
    np.testing.assert_allclose(loaded.predict(outputs["x"], verbose=0), outputs["outputs"], rtol=1e-6)


def test_training_moves_the_bias_and_not_the_int8_kernel():
    layer = keras.layers.Dense(3)
    model = keras.Sequential([keras.Input((4,)), layer])
    layer.quantize("int8")
    kernel = layer.kernel.numpy().copy()
    bias = layer.bias.numpy().copy()
    x = np.random.default_rng(2).normal(size=(8, 4)).astype("float32")
    inputs = torch.tensor(x, requires_grad=True)
    layer(inputs).sum().backward()
    float_kernel = kernel.astype("float32") / layer.kernel_scale.numpy()
    np.testing.assert_allclose(inputs.grad.numpy(), np.tile(float_kernel.sum(1), (8, 1)), rtol=1e-5)
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.fit(x, np.ones((8, 3), "float32"), epochs=1, batch_size=8, verbose=0)
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)
    assert not np.allclose(layer.bias.numpy(), bias)


def test_bad_requests_name_the_layer_and_the_problem():
    layer = keras.layers.Dense(2, name="head")
    with pytest.raises(ValueError, match="Dense 'head': build the layer"):
        layer.quantize("int8")
    layer.build((None, 3))
    with pytest.raises(NotImplementedError, match="Dense 'head': quantization mode 'float8' is not supported"):
        layer.quantize("float8")
    layer.quantize("int8")
    with pytest.raises(ValueError, match="already quantized"):
        layer.quantize("int8")
    einsum = keras.layers.EinsumDense("...b,bc->...c", 4, name="ellipsis")
    einsum.build((None, 3))
    with pytest.raises(NotImplementedError, match="without '...'"):
        einsum.quantize("int8")
    with pytest.raises(ValueError, match="EinsumDense: quantization_config=.* not supported by tkeras .layer 'e"):
        keras.layers.EinsumDense("ab,bc->ac", 2, quantization_config=keras.quantizers.Int4QuantizationConfig(
            weight_quantizer=keras.quantizers.AbsMaxQuantizer(axis=0, value_range=(-8, 7)), block_size=None))


def test_model_quantize_picks_leaf_layers_by_filters_and_config():
    inputs = keras.Input((5, 6))
    x = keras.layers.EinsumDense("abc,cd->abd", (5, 8), name="tokens")(inputs)
    x = keras.layers.Flatten()(keras.layers.LayerNormalization(name="norm")(x))
    model = keras.Model(inputs, keras.layers.Dense(3, name="out")(keras.layers.Dense(4, name="hidden")(x)))
    x_data = np.random.default_rng(4).normal(size=(2, 5, 6)).astype("float32")
    reference = model.predict(x_data, verbose=0)
    model.quantize("int8", filters=["^tok", "hidden"])
    assert {layer.name for layer in model.layers if layer.dtype_policy.name == "int8_from_float32"} == {
        "tokens", "hidden"}
    model.quantize(config=keras.quantizers.Int8QuantizationConfig(), filters=lambda layer: layer.name == "out")
    assert model.get_layer("out").kernel.dtype == torch.int8 and model.get_layer("norm").dtype_policy.name == "float32"
    got = model.predict(x_data, verbose=0)
    assert np.abs(got - reference).max() < 0.05 * np.abs(reference).max()
    with pytest.warns(UserWarning, match="quantization mode 'float8' is not supported"):
        keras.Model(inputs, keras.layers.Dense(2)(inputs)).quantize("float8")
    with pytest.raises(ValueError, match="`filters` must be a regex string"):
        model.quantize("int8", filters=3)


def test_dense_int8_outputs_equal_integer_arithmetic():
    """The int8 sums (2,000 features) de-scaled, against int64 arithmetic on the same quantized values."""
    layer = keras.layers.Dense(8, use_bias=False)
    x = np.random.default_rng(9).normal(size=(3, 2000)).astype("float32")
    layer.build((None, 2000))
    layer.quantize("int8")
    kernel, scale = layer.kernel.numpy().astype(np.int64), layer.kernel_scale.numpy().astype(np.float64)
    x_scale = 127.0 / (np.abs(x).max(-1, keepdims=True) + 1e-7)
    x_q = np.clip(np.round(x * x_scale.astype("float32")), -127, 127).astype(np.int64)
    expected = (x_q @ kernel) / (x_scale * scale)
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-6)
