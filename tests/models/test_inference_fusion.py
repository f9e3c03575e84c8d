"""Fused inference (models/inference_fusion.py): conv + BatchNorm + add + activation as one oneDNN call.

References are NumPy (a sliding-window convolution and Keras' BatchNormalization formula), so the
fused path is checked against arithmetic that shares nothing with torch.
"""
import numpy as np
import pytest
import torch

import tkeras
from tkeras import layers
from tkeras.backend import fused_conv
from tkeras.models.inference_fusion import ConvGroup

pytestmark = pytest.mark.skipif(not fused_conv.available(), reason="torch built without oneDNN")

RNG = np.random.default_rng(0)


def np_conv(x, kernel, bias=None, stride=1, padding="same"):
    """NHWC convolution, Keras kernel layout (kh, kw, in, out)."""
    kh, kw = kernel.shape[:2]
    if padding == "same":
        x = np.pad(x, ((0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    out = np.einsum("nhwcij,ijco->nhwo", windows, kernel)
    return out if bias is None else out + bias


def np_depthwise(x, kernel, padding="same"):
    """kernel (kh, kw, in, multiplier) -> output channel c * multiplier + m."""
    kh, kw, channels, multiplier = kernel.shape
    x = np.pad(x, ((0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))
    out = np.einsum("nhwcij,ijcm->nhwcm", windows, kernel)
    return out.reshape(*out.shape[:3], channels * multiplier)


def np_batch_norm(x, gamma, beta, mean, variance, epsilon):
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


def randomize_batch_norms(model):
    """Moving statistics and affine parameters away from the identity, so folding them matters."""
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.set_weights([
                RNG.uniform(0.5, 1.5, w.shape).astype("float32") if name in ("gamma", "moving_variance")
                else RNG.normal(0.0, 0.3, w.shape).astype("float32")
                for name, w in zip([v.name.split("/")[-1] for v in layer.weights], layer.get_weights())])


def groups_of(model):
    """The fused groups of the model's inference plan (made by its last predict)."""
    plan = model.__dict__["_fused_plan"][1] if "_fused_plan" in model.__dict__ else model.__dict__.get(
        "_fused_stack", (None, []))[1]
    return [step[0] if isinstance(step, tuple) else step for step in plan
            if isinstance(step[0] if isinstance(step, tuple) else step, ConvGroup)]


def residual_block():
    inputs = tkeras.Input((8, 8, 6))
    shortcut = layers.BatchNormalization(name="short_bn")(layers.Conv2D(5, 1, name="short_conv")(inputs))
    x = layers.Conv2D(5, 3, padding="same", use_bias=False, name="conv")(inputs)
    x = layers.BatchNormalization(epsilon=1.001e-5, name="bn")(x)
    x = layers.Add(name="add")([shortcut, x])
    outputs = layers.Activation("relu", name="relu")(x)
    return tkeras.Model(inputs, outputs)


def test_residual_block_matches_numpy_and_fuses_into_two_groups():
    model = residual_block()
    randomize_batch_norms(model)
    x = RNG.normal(size=(3, 8, 8, 6)).astype("float32")
    out = model.predict(x, verbose=0)

    def bn(name, value):
        layer = model.get_layer(name)
        return np_batch_norm(value, *layer.get_weights(), layer.epsilon)

    short = model.get_layer("short_conv").get_weights()
    shortcut = bn("short_bn", np_conv(x, *short, padding="valid"))
    main = bn("bn", np_conv(x, model.get_layer("conv").get_weights()[0]))
    np.testing.assert_allclose(out, np.maximum(shortcut + main, 0.0), atol=2e-5, rtol=1e-5)
    groups = groups_of(model)
    assert len(groups) == 2
    assert sorted((g.add is not None, g.activation) for g in groups) == [(False, "linear"), (True, "relu")]


def test_mobilenet_style_depthwise_relu6_and_channels_first():
    inputs = tkeras.Input((6, 6, 4))
    x = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, use_bias=False, name="dw")(inputs)
    x = layers.BatchNormalization(center=False, name="dw_bn")(x)
    outputs = layers.ReLU(6.0, name="relu6")(x)
    model = tkeras.Model(inputs, outputs)
    randomize_batch_norms(model)
    x = (RNG.normal(size=(2, 6, 6, 4)) * 4).astype("float32")
    out = model.predict(x, verbose=0)
    gamma, mean, variance = model.get_layer("dw_bn").get_weights()
    expected = np.clip((np_depthwise(x, model.get_layer("dw").get_weights()[0]) - mean)
                       / np.sqrt(variance + 1e-3) * gamma, 0.0, 6.0)
    np.testing.assert_allclose(out, expected, atol=2e-5, rtol=1e-5)
    assert [g.activation for g in groups_of(model)] == ["relu6"]

    first = tkeras.Sequential([tkeras.Input((4, 6, 6)), layers.Conv2D(3, 3, data_format="channels_first"),
                               layers.BatchNormalization(axis=1), layers.Activation("swish")])
    randomize_batch_norms(first)
    x = RNG.normal(size=(2, 4, 6, 6)).astype("float32")
    with torch.no_grad():
        torch.set_grad_enabled(True)
        unfused = first(x).detach().numpy()
    conv_weights, bn_weights = first.layers[0].get_weights(), first.layers[1].get_weights()
    normalized = np_batch_norm(np_conv(x.transpose(0, 2, 3, 1), *conv_weights, padding="valid"), *bn_weights, 1e-3)
    np.testing.assert_allclose(first.predict(x, verbose=0), (normalized / (1 + np.exp(-normalized))).transpose(
        0, 3, 1, 2), atol=2e-5, rtol=1e-5)
    np.testing.assert_allclose(first.predict(x, verbose=0), unfused, atol=2e-5)
    assert [g.activation for g in groups_of(first)] == ["swish"]


def test_sequential_conv_with_its_own_activation():
    model = tkeras.Sequential([tkeras.Input((7, 7, 2)), layers.Conv2D(4, 3, strides=2, activation="relu"),
                               layers.Flatten(), layers.Dense(3)])
    x = RNG.normal(size=(5, 7, 7, 2)).astype("float32")
    kernel, bias = model.layers[0].get_weights()
    hidden = np.maximum(np_conv(x, kernel, bias, stride=2, padding="valid"), 0.0).reshape(5, -1)
    dense_kernel, dense_bias = model.layers[2].get_weights()
    np.testing.assert_allclose(model.predict(x, verbose=0), hidden @ dense_kernel + dense_bias, atol=2e-5, rtol=1e-5)
    assert [g.conv for g in groups_of(model)] == [model.layers[0]]


def test_conv1d_causal_with_batch_norm_and_relu():
    model = tkeras.Sequential([tkeras.Input((9, 3)), layers.Conv1D(4, 3, padding="causal", dilation_rate=2),
                               layers.BatchNormalization(), layers.ReLU()])
    randomize_batch_norms(model)
    x = RNG.normal(size=(2, 9, 3)).astype("float32")
    kernel, bias = model.layers[0].get_weights()
    padded = np.pad(x, ((0, 0), (4, 0), (0, 0)))  # causal: (kernel - 1) * dilation steps before
    conv = sum(padded[:, 2 * i:2 * i + 9] @ kernel[i] for i in range(3)) + bias
    expected = np.maximum(np_batch_norm(conv, *model.layers[1].get_weights(), 1e-3), 0.0)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=2e-5, rtol=1e-5)
    assert [(g.conv, g.activation) for g in groups_of(model)] == [(model.layers[0], "relu")]


def test_exposed_intermediate_outputs_are_not_fused_away():
    inputs = tkeras.Input((5, 5, 3))
    conv = layers.Conv2D(4, 3, padding="same")(inputs)
    normalized = layers.BatchNormalization()(conv)
    outputs = layers.Activation("relu")(normalized)
    model = tkeras.Model(inputs, [normalized, outputs])
    randomize_batch_norms(model)
    x = RNG.normal(size=(2, 5, 5, 3)).astype("float32")
    before, after = model.predict(x, verbose=0)
    np.testing.assert_allclose(after, np.maximum(before, 0.0), atol=1e-6)
    (group,) = groups_of(model)
    assert group.batch_norm is not None and group.activation_layer is None  # conv+BN fused, ReLU kept apart


def test_new_weights_are_seen_after_set_weights_and_fit():
    model = residual_block()
    model.compile(optimizer="sgd", loss="mse")
    x = RNG.normal(size=(16, 8, 8, 6)).astype("float32")
    y = RNG.normal(size=(16, 8, 8, 5)).astype("float32")

    def layer_by_layer():
        with torch.enable_grad():
            return model(x).detach().numpy()

    first = model.predict(x, verbose=0)
    randomize_batch_norms(model)
    second = model.predict(x, verbose=0)
    assert np.abs(second - first).max() > 1e-2
    np.testing.assert_allclose(second, layer_by_layer(), atol=2e-5)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)  # in-place optimizer updates bump the versions
    np.testing.assert_allclose(model.predict(x, verbose=0), layer_by_layer(), atol=2e-5)


def test_training_mode_and_autograd_keep_the_layers():
    model = residual_block()
    randomize_batch_norms(model)
    x = torch.tensor(RNG.normal(size=(4, 8, 8, 6)).astype("float32"))
    with torch.no_grad():
        inference = model(x, training=False)
        training = model(x, training=True)  # batch statistics: a different result
    assert (inference - training).abs().max() > 1e-2
    x.requires_grad_(True)
    out = model(x, training=False)
    out.sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


@pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning")
def test_mixed_precision_models_keep_their_layers_and_float32_ones_still_fuse():
    from tkeras import mixed_precision
    x = RNG.normal(size=(2, 8, 8, 6)).astype("float32")
    mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        mixed = residual_block()
    finally:
        mixed_precision.set_global_policy("float32")
    with torch.enable_grad():
        expected = mixed(x).detach().float().numpy()
    np.testing.assert_allclose(mixed.predict(x, verbose=0), expected, atol=0.05)
    # Calls of a mixed model run in autocast, so no fused plan is used; were one made, its layers,
    # which compute in bfloat16, would stay apart.
    assert "_fused_plan" not in mixed.__dict__
    assert mixed._inference_plan()[0] is mixed._plan
    plain = residual_block()  # built after a mixed policy was in use in this process
    randomize_batch_norms(plain)
    with torch.enable_grad():
        expected = plain(x).detach().numpy()
    np.testing.assert_allclose(plain.predict(x, verbose=0), expected, atol=2e-5)
    assert len(groups_of(plain)) == 2


def test_a_tracer_sees_the_layers_own_ops():
    model = residual_block()
    x = torch.tensor(RNG.normal(size=(2, 8, 8, 6)).astype("float32"))
    with torch.no_grad():
        expected = model(x).numpy()
        traced = torch.jit.trace(model, x, check_trace=False)
    graph = str(traced.inlined_graph)
    assert "mkldnn" not in graph and "aten::_convolution" in graph
    np.testing.assert_allclose(traced(x).detach().numpy(), expected, atol=2e-5)


def test_refused_inputs_fall_back_to_the_layers(monkeypatch):
    model = residual_block()
    randomize_batch_norms(model)
    x = RNG.normal(size=(2, 8, 8, 6)).astype("float32")
    expected = model.predict(x, verbose=0)

    def refuse(*args, **kwargs):
        raise RuntimeError("oneDNN: unsupported")

    model2 = residual_block()
    model2.set_weights(model.get_weights())
    monkeypatch.setattr(fused_conv, "conv2d", refuse)
    np.testing.assert_allclose(model2.predict(x, verbose=0), expected, atol=2e-5)
    assert all(g.broken for g in groups_of(model2))


def test_wrong_channel_count_names_the_layer():
    model = tkeras.Sequential([layers.Conv2D(4, 3, activation="relu", name="first_conv")])
    model.predict(np.zeros((1, 6, 6, 2), "float32"), verbose=0)
    with pytest.raises(ValueError, match="first_conv"):
        model.predict(np.zeros((1, 6, 6, 3), "float32"), verbose=0)
