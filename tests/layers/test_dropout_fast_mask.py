"""Dropout's CPU keep-mask (uniform draws compared with the rate): Keras' semantics, exactly."""
import numpy as np
import pytest
import torch

import tkeras as keras


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.9])
def test_drop_fraction_scale_and_gradient(rate):
    x = torch.ones(400, 500, requires_grad=True)
    out = keras.layers.Dropout(rate)(x, training=True)
    values = out.detach().numpy()
    dropped = values == 0
    assert abs(dropped.mean() - rate) < 0.01
    np.testing.assert_allclose(values[~dropped], 1.0 / (1.0 - rate), rtol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), values, rtol=1e-6)  # d(out)/dx = keep / (1 - rate)


def test_noise_shape_shares_the_mask_and_edge_rates():
    x = torch.ones(8, 6, 5)
    out = keras.layers.Dropout(0.5, noise_shape=(None, 1, 5))(x, training=True).numpy()
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], 6, axis=1))
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert float(keras.layers.Dropout(1.0)(x, training=True).abs().sum()) == 0.0
    assert torch.equal(keras.layers.Dropout(0.5)(x, training=False), x)
