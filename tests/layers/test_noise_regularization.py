"""SpatialDropout, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization."""
import numpy as np
import pytest
import torch

from tests.layer_testing import run_layer_test
from tkeras import layers


def test_spatial_dropout_drops_whole_channels():
    x = np.ones((50, 6, 8), dtype="float32")
    out = layers.SpatialDropout1D(0.5)(x, training=True).detach().cpu().numpy()
    per_channel = out.std(axis=1)
    np.testing.assert_array_equal(per_channel, 0.0)  # a channel is all kept or all dropped
    assert set(np.unique(out)) == {0.0, 2.0}
    assert 0.35 < (out[:, 0] == 0).mean() < 0.65
    np.testing.assert_array_equal(layers.SpatialDropout1D(0.5)(x).detach().cpu().numpy(), x)  # inference: identity


def test_spatial_dropout2d_both_layouts():
    x = np.ones((40, 4, 5, 3), dtype="float32")
    out = layers.SpatialDropout2D(0.5)(x, training=True).detach().cpu().numpy()
    np.testing.assert_array_equal(out.std(axis=(1, 2)), 0.0)
    first = layers.SpatialDropout2D(0.5, data_format="channels_first")(x, training=True).detach().cpu().numpy()
    np.testing.assert_array_equal(first.std(axis=(2, 3)), 0.0)
    run_layer_test(layers.SpatialDropout2D, {"rate": 0.3}, input_shape=(2, 3, 3, 2), expected_output_shape=(2, 3, 3, 2))
    assert layers.SpatialDropout1D(p=0.2).rate == 0.2


def test_gaussian_noise_statistics_and_inference():
    x = np.zeros((200, 100), dtype="float32")
    out = layers.GaussianNoise(0.5)(x, training=True).detach().cpu().numpy()
    assert abs(out.std() - 0.5) < 0.02 and abs(out.mean()) < 0.02
    np.testing.assert_array_equal(layers.GaussianNoise(0.5)(x).detach().cpu().numpy(), x)
    assert layers.GaussianNoise(sigma=0.1).stddev == 0.1
    run_layer_test(layers.GaussianNoise, {"stddev": 0.1}, input_shape=(2, 3), expected_output_shape=(2, 3))


def test_gaussian_dropout_statistics():
    x = np.ones((200, 100), dtype="float32")
    out = layers.GaussianDropout(0.2)(x, training=True).detach().cpu().numpy()
    assert abs(out.mean() - 1) < 0.02 and abs(out.std() - np.sqrt(0.2 / 0.8)) < 0.02
    np.testing.assert_array_equal(layers.GaussianDropout(0.2)(x).detach().cpu().numpy(), x)
    run_layer_test(layers.GaussianDropout, {"rate": 0.1}, input_shape=(2, 3), expected_output_shape=(2, 3))


def test_alpha_dropout_keeps_selu_statistics():
    torch.manual_seed(0)
    x = torch.selu(torch.randn(400, 250)).numpy()  # mean ~0, variance ~1
    out = layers.AlphaDropout(0.2)(x, training=True).detach().cpu().numpy()
    assert abs(out.mean() - x.mean()) < 0.02 and abs(out.var() - x.var()) < 0.05
    rate, alpha_p = 0.2, -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    dropped_value = a * alpha_p + (-a * alpha_p * rate)
    assert 0.15 < np.isclose(out, dropped_value).mean() < 0.25
    run_layer_test(layers.AlphaDropout, {"rate": 0.1}, input_shape=(2, 3), expected_output_shape=(2, 3))


def test_activity_regularization_adds_penalty_per_sample():
    x = np.array([[1.0, -2.0], [3.0, 0.5]], dtype="float32")
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    out = layer(x)
    np.testing.assert_array_equal(out.detach().cpu().numpy(), x)
    expected = (0.1 * np.abs(x).sum() + 0.01 * np.square(x).sum()) / 2
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0]), expected, rtol=1e-6)
    run_layer_test(layers.ActivityRegularization, {"l1": 0.1}, input_shape=(2, 3), expected_output_shape=(2, 3))
    assert layers.ActivityRegularization.from_config(layer.get_config()).l2 == 0.01


@pytest.mark.parametrize("cls,kwargs", [(layers.SpatialDropout1D, {"rate": 1.5}), (layers.GaussianNoise, {"stddev": -1}),
                                        (layers.GaussianDropout, {"rate": 1.0}), (layers.AlphaDropout, {"rate": None})])
def test_bad_rates_are_rejected(cls, kwargs):
    with pytest.raises(ValueError, match=cls.__name__):
        cls(**kwargs)
