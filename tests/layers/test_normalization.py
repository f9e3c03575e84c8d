"""BatchNormalization and LayerNormalization against NumPy formulas."""
import numpy as np
import pytest
import torch

from tests.layer_testing import run_layer_test
from tkeras import layers
from tkeras.backend.config import device


def _random_bn(x, **kwargs):
    layer = layers.BatchNormalization(**kwargs)
    layer(x)
    rng = np.random.default_rng(1)
    gamma, beta = rng.uniform(0.5, 2, x.shape[-1]), rng.standard_normal(x.shape[-1])
    mean, var = rng.standard_normal(x.shape[-1]), rng.uniform(0.5, 2, x.shape[-1])
    layer.set_weights([a.astype("float32") for a in (gamma, beta, mean, var)])
    return layer, gamma, beta, mean, var


def test_batchnorm_weight_order_and_counts():
    run_layer_test(layers.BatchNormalization, {}, input_shape=(4, 3), expected_output_shape=(4, 3),
                   expected_num_trainable_weights=2, expected_num_non_trainable_weights=2, supports_masking=True)
    layer = layers.BatchNormalization()
    layer(np.zeros((2, 5), "float32"))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]
    np.testing.assert_array_equal(layer.get_weights()[3], np.ones(5))
    assert (layer.momentum, layer.epsilon) == (0.99, 1e-3)


def test_batchnorm_inference_uses_moving_statistics():
    x = np.random.default_rng(0).standard_normal((6, 4)).astype("float32")
    layer, gamma, beta, mean, var = _random_bn(x)
    expected = (x - mean) / np.sqrt(var + 1e-3) * gamma + beta
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer(x, training=False).detach().cpu().numpy(), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.get_weights()[2], mean.astype("float32"))  # no update at inference


def test_batchnorm_training_uses_biased_batch_stats_and_updates_moving():
    x = np.random.default_rng(0).standard_normal((8, 3, 4)).astype("float32") * 3 + 1
    layer, gamma, beta, mean, var = _random_bn(x, momentum=0.9)
    out = layer(x, training=True).detach().cpu().numpy()
    batch_mean = x.mean(axis=(0, 1))
    batch_var = x.var(axis=(0, 1))  # biased (ddof=0), used to normalize AND for the moving update
    np.testing.assert_allclose(out, (x - batch_mean) / np.sqrt(batch_var + 1e-3) * gamma + beta, rtol=1e-4, atol=1e-4)
    _, _, moving_mean, moving_var = layer.get_weights()
    np.testing.assert_allclose(moving_mean, mean * 0.9 + batch_mean * 0.1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(moving_var, var * 0.9 + batch_var * 0.1, rtol=1e-5, atol=1e-6)


def test_frozen_batchnorm_runs_in_inference_mode():
    x = np.random.default_rng(0).standard_normal((8, 3)).astype("float32") + 5
    layer, gamma, beta, mean, var = _random_bn(x)
    layer.trainable = False
    out = layer(x, training=True).detach().cpu().numpy()
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3) * gamma + beta, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.get_weights()[2], mean.astype("float32"))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_batchnorm_channels_first_axis_and_gradients():
    x = np.random.default_rng(2).standard_normal((4, 3, 5, 5)).astype("float32")
    layer = layers.BatchNormalization(axis=1, center=False)
    tensor = torch.tensor(x, requires_grad=True, device=device())
    out = layer(tensor, training=True)
    assert [w.shape for w in layer.get_weights()] == [(3,), (3,), (3,)]
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    np.testing.assert_allclose(out.detach().cpu().numpy(), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-4)
    out.sum().backward()
    np.testing.assert_allclose(tensor.grad.cpu().numpy(), 0.0, atol=1e-4)  # sum of a normalized batch is constant
    assert layer.gamma.grad is not None


def test_batchnorm_masked_moments_use_real_steps_only():
    x = np.random.default_rng(3).standard_normal((2, 4, 3)).astype("float32")
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0]], dtype=bool)
    layer = layers.BatchNormalization(momentum=0.0)
    layer(x, mask=torch.as_tensor(mask), training=True)
    real = x[mask]
    np.testing.assert_allclose(layer.get_weights()[2], real.mean(axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.get_weights()[3], real.var(axis=0), rtol=1e-5, atol=1e-6)


def test_batchnorm_keras1_arguments_and_errors():
    layer = layers.BatchNormalization(mode=0, beta_init="one", gamma_init="zero", epsilon=1e-5)
    layer(np.zeros((2, 3), "float32"))
    np.testing.assert_array_equal(layer.get_weights()[0], 0.0)
    np.testing.assert_array_equal(layer.get_weights()[1], 1.0)
    with pytest.raises(ValueError, match="mode=2"):
        layers.BatchNormalization(mode=2)
    with pytest.raises(ValueError, match=r"'bn'.*axis=3.*3 dimensions"):
        layers.BatchNormalization(axis=3, name="bn")(np.zeros((2, 3, 4), "float32"))


def test_layer_normalization_matches_numpy():
    x = np.random.default_rng(4).standard_normal((3, 4, 5)).astype("float32")
    layer = layers.LayerNormalization()
    layer(x)
    rng = np.random.default_rng(5)
    gamma, beta = rng.standard_normal(5).astype("float32"), rng.standard_normal(5).astype("float32")
    layer.set_weights([gamma, beta])
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), (x - mean) / np.sqrt(var + 1e-3) * gamma + beta,
                               rtol=1e-4, atol=1e-5)


def test_layer_normalization_several_axes_and_rms():
    x = np.random.default_rng(6).standard_normal((2, 3, 4)).astype("float32")
    layer = layers.LayerNormalization(axis=[1, 2], epsilon=1e-5)
    out = layer(x).detach().cpu().numpy()
    assert layer.get_weights()[0].shape == (3, 4)
    mean, var = x.mean((1, 2), keepdims=True), x.var((1, 2), keepdims=True)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-4, atol=1e-5)
    middle = layers.LayerNormalization(axis=1)
    np.testing.assert_allclose(middle(x).detach().cpu().numpy(),
                               (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-3),
                               rtol=1e-4, atol=1e-5)
    rms = layers.LayerNormalization(rms_scaling=True)
    assert len(rms(x) is not None and rms.weights) == 1
    np.testing.assert_allclose(rms(x).detach().cpu().numpy(), x / np.sqrt(x.var(-1, keepdims=True) + 1e-3),
                               rtol=1e-4, atol=1e-5)
    run_layer_test(layers.LayerNormalization, {"axis": -1}, input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4),
                   expected_num_trainable_weights=2)
