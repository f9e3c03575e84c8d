"""tf-keras 2's BatchNormalization(virtual_batch_size=...) (ghost batches) and `adjustment`, against
tf-keras 2.21 (tests/fixtures/make_bn_virtual_batch_reference.py: bn_virtual_batch_reference.json)."""
import json
import os
import warnings

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers, saving
from tests.layer_testing import assert_frozen_call_keeps_weights, assert_recorded_steps

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
REFERENCE = json.load(open(os.path.join(FIXTURES, "bn_virtual_batch_reference.json")))
CASES = sorted(REFERENCE["cases"])
TOL = dict(rtol=1e-5, atol=1e-5)

# The reference's adjustment functions (see ADJUSTMENTS in the script), written with torch.
ADJUSTMENTS = {
    "fill": lambda shape: (torch.full(tuple(shape), 1.5), torch.full(tuple(shape), -0.25)),
    "per_channel": lambda shape: (0.5 * torch.arange(1, shape[-1] + 1, dtype=torch.float32),
                                  0.1 * torch.arange(shape[-1], dtype=torch.float32) - 0.2),
}


def _numpy(tensor):
    return tensor.detach().cpu().numpy()


def _f32(values):
    return np.array(values, "float32")


def _layer(case, **extra):
    kwargs = dict(case["kwargs"], **extra)
    if case["adjustment"]:
        kwargs["adjustment"] = ADJUSTMENTS[case["adjustment"]]
    layer = layers.BatchNormalization(**kwargs)
    layer.build((None,) + tuple(np.shape(case["steps"][0]["x"])[1:]))
    layer.set_weights([_f32(w).reshape(s) for w, s in zip(case["start"], case["weight_shapes"])])
    return layer


@pytest.mark.parametrize("name", CASES)
def test_training_steps_match_tf_keras(name):
    case = REFERENCE["cases"][name]
    assert_recorded_steps(_layer(case), case["steps"], **TOL)


@pytest.mark.parametrize("name", CASES)
def test_weights_names_and_shapes_match_tf_keras(name):
    case = REFERENCE["cases"][name]
    layer = _layer(case)
    assert [w.name for w in layer.weights] == case["weight_names"]
    assert [list(w.shape) for w in layer.weights] == case["weight_shapes"]


@pytest.mark.parametrize("name", CASES)
def test_inference_and_frozen_layer_use_moving_statistics_without_adjustment(name):
    case = REFERENCE["cases"][name]
    layer = _layer(case)
    layer.set_weights([_f32(w) for w in case["steps"][-1]["weights"]])
    x = _f32(case["x_test"])
    np.testing.assert_allclose(_numpy(layer(x, training=False)), _f32(case["inference"]), **TOL)
    np.testing.assert_allclose(_numpy(layer(x)), _f32(case["inference"]), **TOL)
    # Inference takes any batch size, even one virtual_batch_size does not divide.
    np.testing.assert_allclose(_numpy(layer(x[:1], training=False)), _f32(case["single_inference"]), **TOL)
    assert_frozen_call_keeps_weights(layer, x, case["frozen"], **TOL)  # nothing moves when frozen


@pytest.mark.parametrize("name", CASES)
def test_gradients_match_tf_keras(name):
    case = REFERENCE["cases"][name]
    layer = _layer(case)
    x = torch.tensor(_f32(case["steps"][0]["x"]), requires_grad=True)
    loss = (layer(x, training=True) * torch.tensor(_f32(case["coeff"]))).sum()
    grads = torch.autograd.grad(loss, [x] + list(layer.trainable_weights))
    assert len(grads) == len(case["grads"])
    for got, want in zip(grads, case["grads"]):
        np.testing.assert_allclose(_numpy(got), _f32(want), rtol=1e-4, atol=1e-4)


def test_virtual_batches_take_every_nth_sample():
    # 6 samples in virtual batches of 2: samples (0, 3), (1, 4), (2, 5) are normalized together.
    x = np.array([[0.0], [10.0], [20.0], [1.0], [12.0], [23.0]], "float32")
    layer = layers.BatchNormalization(virtual_batch_size=2, epsilon=0.0, center=False, scale=False)
    np.testing.assert_allclose(_numpy(layer(x, training=True))[:, 0], [-1, -1, -1, 1, 1, 1], atol=1e-5)


def test_the_stateless_api_records_the_moving_statistics():
    case = REFERENCE["cases"]["dense_vbs2"]
    layer = _layer(case)
    x = torch.tensor(_f32(case["steps"][0]["x"]))
    start = [v.detach().clone() for v in layer.non_trainable_variables]
    _, new_state = layer.stateless_call([v.detach().clone() for v in layer.trainable_variables],
                                        [v.detach().clone() for v in layer.non_trainable_variables],
                                        x, training=True)
    for before, var in zip(start, layer.non_trainable_variables):
        assert torch.equal(before, var.detach())  # nothing applied to the layer itself
    for got, want in zip(new_state, case["steps"][0]["weights"][2:]):
        np.testing.assert_allclose(_numpy(got), _f32(want), **TOL)


def test_config_writes_virtual_batch_size_only_when_set():
    ref_unbuilt = REFERENCE["config_unbuilt"]
    layer = layers.BatchNormalization(virtual_batch_size=4)
    config = layer.get_config()
    assert config["virtual_batch_size"] == ref_unbuilt["virtual_batch_size"] == 4
    assert config["axis"] == ref_unbuilt["axis"] == -1
    layer.build((None, 5))
    assert layer.get_config()["axis"] == -1  # tf-keras writes [2] here (see the next test)
    assert "virtual_batch_size" not in layers.BatchNormalization().get_config()
    assert "virtual_batch_size" not in REFERENCE["config_plain"]
    clone = layers.BatchNormalization.from_config(config)
    assert clone.virtual_batch_size == 4 and clone.get_config() == config


def test_a_built_tf_keras_config_deserializes_with_its_shifted_axis():
    config = {k: v for k, v in REFERENCE["config_built"].items() if k != "name"}
    assert config["axis"] == [2]  # tf-keras moves the axis past the extra virtual-batch dimension
    layer = layers.BatchNormalization.from_config(config)
    x = np.arange(40, dtype="float32").reshape(8, 5)
    y = layer(x, training=True)
    assert layer.virtual_batch_size == 4 and layer.axis == [1] and tuple(y.shape) == (8, 5)
    assert [tuple(w.shape) for w in layer.weights] == [(1, 1, 5)] * 4


def test_adjustment_is_not_serialized_and_warns():
    layer = layers.BatchNormalization(adjustment=ADJUSTMENTS["fill"], name="bn_adjusted")
    with pytest.warns(UserWarning, match="bn_adjusted.*adjustment"):
        config = layer.get_config()
    assert "adjustment" not in config and "virtual_batch_size" not in config
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers.BatchNormalization().get_config()


def test_adjustment_receives_the_input_shape():
    seen = []

    def adjustment(shape):
        seen.append(shape)
        return torch.ones(shape[-1:]), torch.zeros(shape[-1:])

    layer = layers.BatchNormalization(adjustment=adjustment)
    layer(np.ones((4, 3, 2), "float32"), training=True)
    layer(np.ones((4, 3, 2), "float32"), training=False)  # not called at inference
    assert seen == [torch.Size([4, 3, 2])]


def test_model_with_virtual_batches_saves_and_loads(tmp_path):
    case = REFERENCE["cases"]["image_vbs2"]
    model = keras.Sequential([keras.Input((3, 3, 2)), _layer(case)])
    x = _f32(case["x_test"])
    for path in (tmp_path / "m.keras", tmp_path / "m.h5"):
        want = _numpy(model(x, training=False))
        model.save(path)
        again = saving.load_model(path, compile=False)
        bn = again.layers[-1]
        assert bn.virtual_batch_size == 2
        np.testing.assert_allclose(_numpy(again(x, training=False)), want, **TOL)
        np.testing.assert_allclose(_numpy(again(x, training=True)), _numpy(model(x, training=True)), **TOL)


def test_fit_trains_with_virtual_batches():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((32, 4)).astype("float32"), rng.standard_normal((32, 1)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.BatchNormalization(virtual_batch_size=4),
                              layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="multiple of virtual_batch_size=4"):
        model.fit(x[:6], y[:6], batch_size=6, epochs=1, verbose=0)
    assert model.predict(x[:3], verbose=0).shape == (3, 1)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(virtual_batch_size=0), ValueError, "`virtual_batch_size` must be a positive integer"),
    (dict(virtual_batch_size=-2), ValueError, "`virtual_batch_size` must be a positive integer"),
    (dict(virtual_batch_size=2.5), ValueError, "`virtual_batch_size` must be a positive integer"),
    (dict(virtual_batch_size=2, adjustment=lambda s: (1.0, 0.0)), ValueError, "`adjustment` cannot be combined"),
    (dict(virtual_batch_size=2, fused=True), ValueError, "`fused=True` cannot be combined with `virtual_batch"),
    (dict(adjustment=lambda s: (1.0, 0.0), fused=True), ValueError, "`fused=True` cannot be combined with `adj"),
    (dict(adjustment="scale"), TypeError, "`adjustment` must be a callable"),
])
def test_bad_arguments_raise_naming_the_layer(kwargs, error, words):
    with pytest.raises(error, match=words) as info:
        layers.BatchNormalization(name="bn_bad", **kwargs)
    assert "bn_bad" in str(info.value)


def test_batch_axis_and_indivisible_batches_raise():
    with pytest.raises(ValueError, match="bn_axis.*batch axis"):
        layers.BatchNormalization(virtual_batch_size=2, axis=0, name="bn_axis").build((None, 3))
    layer = layers.BatchNormalization(virtual_batch_size=4, name="bn_odd")
    with pytest.raises(ValueError, match=r"bn_odd.*batch size \(6\).*virtual_batch_size=4"):
        layer(np.ones((6, 3), "float32"), training=True)
    layer = layers.BatchNormalization(virtual_batch_size=4, name="bn_masked")
    with pytest.raises(ValueError, match="bn_masked.*mask"):
        layer(np.ones((4, 2, 3), "float32"), training=True, mask=torch.ones(4, 2, dtype=torch.bool))


def test_conv_with_a_ghost_batch_norm_predicts_through_the_folded_plan():
    """Inference folds a BatchNormalization into the convolution before it; ghost-batch weights are
    shaped (1, 1, 1, 1, C), and the folded bias must still be one value per channel."""
    x = np.random.default_rng(0).normal(size=(8, 10, 10, 3)).astype("float32")
    model = keras.Sequential([keras.Input((10, 10, 3)), keras.layers.Conv2D(4, 3),
                              keras.layers.BatchNormalization(virtual_batch_size=2), keras.layers.ReLU()])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros((8, 8, 8, 4), "float32"), batch_size=4, epochs=1, verbose=0)
    bn = model.layers[1]
    kernel, bias = (w.astype("float64") for w in model.layers[0].get_weights())
    gamma, beta, mean, variance = (w.reshape(-1).astype("float64") for w in bn.get_weights())
    conv = np.zeros((8, 8, 8, 4))
    for i in range(8):
        for j in range(8):
            conv[:, i, j, :] = np.tensordot(x[:, i:i + 3, j:j + 3, :].astype("float64"), kernel, axes=3) + bias
    expected = np.maximum((conv - mean) / np.sqrt(variance + bn.epsilon) * gamma + beta, 0)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-5)
