"""GroupNormalization and UnitNormalization against NumPy loops written from the papers' definitions."""
import json
import os
import zipfile


import numpy as np
import pytest
import torch

import tkeras as keras
from tests.keras_files import weight_shapes
from tests.layer_testing import run_layer_test
from tkeras import layers
from tkeras.backend.config import device

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def _group_norm_reference(x, groups, axis, epsilon, gamma=None, beta=None):
    """Loop over samples and groups: each block of channels is standardized by its own biased moments."""
    axis = axis % x.ndim
    channels = x.shape[axis]
    groups = channels if groups == -1 else groups
    size = channels // groups
    out = np.empty_like(x, dtype=np.float64)
    for n in range(x.shape[0]):
        sample = x[n].astype(np.float64)
        result = np.empty_like(sample)
        for g in range(groups):
            index = [slice(None)] * sample.ndim
            index[axis - 1] = slice(g * size, (g + 1) * size)
            block = sample[tuple(index)]
            result[tuple(index)] = (block - block.mean()) / np.sqrt(block.var() + epsilon)
        out[n] = result
    shape = [1] * x.ndim
    shape[axis] = channels
    if gamma is not None:
        out = out * np.reshape(gamma, shape)
    if beta is not None:
        out = out + np.reshape(beta, shape)
    return out


def _with_random_weights(layer, x, seed=0):
    layer(x)
    rng = np.random.default_rng(seed)
    channels = x.shape[layer.axis]
    gamma = rng.uniform(0.5, 2.0, channels).astype("float32")
    beta = rng.standard_normal(channels).astype("float32")
    layer.set_weights([gamma, beta])
    return gamma, beta


def _numpy(tensor):
    return np.asarray(tensor.detach().cpu().numpy() if isinstance(tensor, torch.Tensor) else tensor)


@pytest.mark.parametrize("shape,groups,axis", [
    ((3, 8), 4, -1),            # features only
    ((2, 5, 6), 3, -1),         # sequence, channels last
    ((2, 4, 3, 8), 2, -1),      # image, channels last
    ((2, 4, 3, 8), 1, -1),      # one group: all non-batch axes together
    ((2, 6, 4, 5), 3, 1),       # image, channels first
    ((2, 5, 6, 3), 2, 2),       # a middle axis
    ((2, 3, 4, 2, 4), 4, -1),   # volume
])
def test_group_normalization_matches_numpy(shape, groups, axis):
    x = np.random.default_rng(1).standard_normal(shape).astype("float32") * 3 + 2
    layer = layers.GroupNormalization(groups=groups, axis=axis)
    gamma, beta = _with_random_weights(layer, x)
    expected = _group_norm_reference(x, groups, axis, 1e-3, gamma, beta)
    np.testing.assert_allclose(_numpy(layer(x)), expected, rtol=1e-4, atol=1e-4)


def test_group_normalization_instance_mode_and_epsilon():
    x = np.random.default_rng(2).standard_normal((2, 4, 5, 6)).astype("float32") * 0.01  # epsilon matters
    instance = layers.GroupNormalization(groups=-1, axis=1, center=False, scale=False)
    np.testing.assert_allclose(_numpy(instance(x)), _group_norm_reference(x, 4, 1, 1e-3), rtol=1e-4, atol=1e-4)
    mean = x.mean(axis=(2, 3), keepdims=True)  # instance norm: each channel of each sample on its own
    var = x.var(axis=(2, 3), keepdims=True)
    np.testing.assert_allclose(_numpy(instance(x)), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-4)
    assert instance.get_config()["groups"] == -1 and instance.weights == []
    small = layers.GroupNormalization(groups=2, epsilon=1e-6, center=False, scale=False)
    np.testing.assert_allclose(_numpy(small(x)), _group_norm_reference(x, 2, -1, 1e-6), rtol=1e-4, atol=1e-4)
    assert not np.allclose(_numpy(small(x)), _group_norm_reference(x, 2, -1, 1e-3), atol=1e-2)


def test_group_normalization_weights_defaults_and_half_precision():
    layer = layers.GroupNormalization()
    assert (layer.groups, layer.axis, layer.epsilon) == (32, -1, 1e-3)
    layer(np.zeros((2, 3, 64), "float32"))
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [("gamma", (64,)), ("beta", (64,))]
    np.testing.assert_array_equal(layer.get_weights()[0], 1.0)
    np.testing.assert_array_equal(layer.get_weights()[1], 0.0)
    only_beta = layers.GroupNormalization(groups=2, scale=False)
    only_beta(np.zeros((2, 4), "float32"))
    assert [w.name for w in only_beta.weights] == ["beta"]

    x = np.random.default_rng(3).standard_normal((2, 6, 8)).astype("float32") * 100
    half = layers.GroupNormalization(groups=4, dtype="float16")  # a float32 layer would cast the input up
    out = half(torch.tensor(x, dtype=torch.float16, device=device()))
    assert out.dtype == torch.float16
    expected = _group_norm_reference(x.astype(np.float16).astype(np.float32), 4, -1, 1e-3)
    np.testing.assert_allclose(_numpy(out).astype(np.float32), expected, atol=1e-2)


def test_group_normalization_mask_passes_through_unused():
    x = np.random.default_rng(4).standard_normal((2, 4, 6)).astype("float32")
    mask = torch.tensor([[True, True, False, False], [True, True, True, False]], device=device())
    layer = layers.GroupNormalization(groups=3, center=False, scale=False)
    out = layer(torch.tensor(x, device=device()), mask=mask)
    np.testing.assert_allclose(_numpy(out), _group_norm_reference(x, 3, -1, 1e-3), rtol=1e-4, atol=1e-4)
    assert torch.equal(layer.compute_mask(None, mask), mask)


def test_group_normalization_errors_name_layer_and_fix():
    with pytest.raises(ValueError, match=r"'gn'.*groups=5 must divide the 16 channels.*\[1, 2, 4, 8, 16\]"):
        layers.GroupNormalization(groups=5, name="gn")(np.zeros((2, 3, 16), "float32"))
    with pytest.raises(ValueError, match=r"groups=32 must divide the 8 channels"):
        layers.GroupNormalization()(np.zeros((2, 8), "float32"))
    with pytest.raises(ValueError, match=r"positive integer, or -1.*groups=0"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match=r"positive integer.*groups=2.5"):
        layers.GroupNormalization(groups=2.5)
    with pytest.raises(TypeError, match=r"axis must be one int.*axis=\[1, 2\]"):
        layers.GroupNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match=r"axis=3 must name a non-batch axis.*3 dimensions"):
        layers.GroupNormalization(groups=1, axis=3)(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"axis=0 must name a non-batch axis"):
        layers.GroupNormalization(groups=1, axis=0)(np.zeros((2, 3), "float32"))
    layer = layers.GroupNormalization(groups=2, name="gn2")
    layer(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match=r"'gn2'.*axis 1.*value 4"):
        layer(np.zeros((2, 6), "float32"))


@pytest.mark.parametrize("kwargs,shape", [
    ({"groups": 2}, (3, 4, 6)),
    ({"groups": -1, "axis": 1}, (2, 3, 4, 4)),
    ({"groups": 3, "center": False, "gamma_regularizer": "l2", "beta_constraint": "non_neg"}, (2, 6)),
])
def test_group_normalization_harness(kwargs, shape):
    trainable = int(kwargs.get("center", True)) + int(kwargs.get("scale", True))
    run_layer_test(layers.GroupNormalization, kwargs, input_shape=shape, expected_output_shape=shape,
                   expected_num_trainable_weights=trainable, expected_num_non_trainable_weights=0,
                   supports_masking=True)


def test_group_normalization_weight_gradients_match_closed_form():
    # out = normalized * gamma + beta, so under loss = sum(out * w) gamma's gradient is
    # sum(normalized * w) per channel and beta's is sum(w) per channel.
    x = np.random.default_rng(5).standard_normal((3, 5, 4)).astype("float32")
    w = np.random.default_rng(6).standard_normal((3, 5, 4)).astype("float32")
    layer = layers.GroupNormalization(groups=2)
    layer(x)
    out = layer(torch.tensor(x, device=device()))
    (out * torch.tensor(w, device=device())).sum().backward()
    normalized = _group_norm_reference(x, 2, -1, 1e-3)
    np.testing.assert_allclose(layer.gamma.grad.cpu().numpy(), (normalized * w).sum(axis=(0, 1)), rtol=1e-4,
                               atol=1e-4)
    np.testing.assert_allclose(layer.beta.grad.cpu().numpy(), w.sum(axis=(0, 1)), rtol=1e-5, atol=1e-5)


def test_group_normalization_trains_in_a_model():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((32, 6, 8)).astype("float32")
    y = rng.standard_normal((32, 6, 8)).astype("float32")
    model = keras.Sequential([keras.Input((6, 8)), layers.GroupNormalization(groups=4)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = model.layers[0].get_weights()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    after = model.layers[0].get_weights()
    assert all(not np.allclose(a, b) for a, b in zip(before, after))


def test_group_and_unit_normalization_keras_file_round_trip(tmp_path):
    inputs = keras.Input((6, 6, 8))
    x = layers.GroupNormalization(groups=4, name="gn")(inputs)
    x = layers.Conv2D(6, 3, name="conv")(x)
    x = layers.GroupNormalization(groups=-1, axis=1, epsilon=1e-5, name="gn_first")(x)
    outputs = layers.UnitNormalization(axis=[1, 2], name="unit")(x)
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(8)
    model.get_layer("gn").set_weights([rng.uniform(0.5, 2, 8).astype("float32"),
                                       rng.standard_normal(8).astype("float32")])
    data = rng.standard_normal((3, 6, 6, 8)).astype("float32")
    before = model.predict(data, verbose=0)
    path = str(tmp_path / "norms.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    by_name = {c["config"]["name"]: c for c in config["config"]["layers"]}
    assert by_name["gn"]["class_name"] == "GroupNormalization"
    assert by_name["gn_first"]["config"]["groups"] == -1 and by_name["gn_first"]["config"]["axis"] == 1
    assert by_name["unit"]["config"]["axis"] == [1, 2]
    restored = keras.models.load_model(path)
    assert type(restored.get_layer("gn")).__name__ == "GroupNormalization"
    for a, b in zip(model.get_layer("gn").get_weights(), restored.get_layer("gn").get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(restored.predict(data, verbose=0), before, atol=1e-6)


def test_loads_a_file_real_keras_wrote_and_saves_the_same_layout(tmp_path):
    """`k3_norms.keras` was written by Keras 3 (tests/fixtures/make_norms_golden.py)."""
    golden = os.path.join(FIXTURES, "k3_norms.keras")
    with open(os.path.join(FIXTURES, "norms_io.json")) as f:
        io_pair = json.load(f)
    model = keras.models.load_model(golden)
    x = np.asarray(io_pair["x"], dtype="float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.asarray(io_pair["y"]), atol=1e-5)
    assert [w.name for w in model.get_layer("gn").weights] == ["gamma", "beta"]
    assert [w.name for w in model.get_layer("one_group").weights] == ["beta"]
    ours = str(tmp_path / "again.keras")
    model.save(ours)
    assert weight_shapes(ours, under="layers/") == weight_shapes(golden, under="layers/")


def test_unit_normalization_matches_numpy():
    x = np.random.default_rng(9).standard_normal((3, 4, 5)).astype("float32") * 5
    last = layers.UnitNormalization()
    expected = x / np.sqrt((x.astype(np.float64) ** 2).sum(-1, keepdims=True))
    np.testing.assert_allclose(_numpy(last(x)), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(_numpy(last(x)), axis=-1), 1.0, rtol=1e-5)
    joint = layers.UnitNormalization(axis=(1, 2))
    expected = x / np.sqrt((x.astype(np.float64) ** 2).sum((1, 2), keepdims=True))
    np.testing.assert_allclose(_numpy(joint(x)), expected, rtol=1e-5, atol=1e-6)
    assert joint.get_config()["axis"] == [1, 2]
    first = layers.UnitNormalization(axis=1)
    expected = x / np.sqrt((x.astype(np.float64) ** 2).sum(1, keepdims=True))
    np.testing.assert_allclose(_numpy(first(x)), expected, rtol=1e-5, atol=1e-6)
    ints = layers.UnitNormalization()(np.arange(6).reshape(2, 3))  # Keras' docstring example
    np.testing.assert_allclose((_numpy(ints) ** 2).sum(-1), 1.0, rtol=1e-6)


def test_unit_normalization_epsilon_floor_and_zero_gradient():
    # Keras floors the squared sum at 1e-12**2: norms below 1e-12 are divided by 1e-12 instead.
    x = np.array([[3e-13, 4e-13], [0.0, 0.0], [3.0, 4.0]], "float32")
    tensor = torch.tensor(x, requires_grad=True, device=device())
    out = layers.UnitNormalization()(tensor)
    expected = x / np.maximum(np.sqrt((x.astype(np.float64) ** 2).sum(-1, keepdims=True)), 1e-12)
    np.testing.assert_allclose(_numpy(out), expected, rtol=1e-5)
    out.sum().backward()
    assert torch.isfinite(tensor.grad).all()
    np.testing.assert_allclose(tensor.grad[1].cpu().numpy(), 1e12, rtol=1e-5)  # d(x/eps)/dx at zero


def test_unit_normalization_harness_mask_and_errors():
    run_layer_test(layers.UnitNormalization, {"axis": -1}, input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4),
                   expected_num_trainable_weights=0, supports_masking=True)
    run_layer_test(layers.UnitNormalization, {"axis": [1, 2]}, input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4))
    half = layers.UnitNormalization(dtype="float16")(torch.full((2, 4), 300.0, dtype=torch.float16, device=device()))
    assert half.dtype == torch.float16 and torch.allclose(half.float(), torch.full((2, 4), 0.5, device=device()))
    with pytest.raises(TypeError, match=r"'un'.*axis must be an int or a list of ints.*'x'"):
        layers.UnitNormalization(axis="x", name="un")
    with pytest.raises(ValueError, match=r"'un2'.*axis=3 is out of range.*3 dimensions"):
        layers.UnitNormalization(axis=3, name="un2")(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"names an axis twice"):
        layers.UnitNormalization(axis=[1, -2])(np.zeros((2, 3, 4), "float32"))
