"""Dropout's CPU keep-mask (16-bit uniform draws compared with the rate, the boundary value settled
by one coin a mask): Keras' drop probability, exactly."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.layers.regularization import dropout


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


@pytest.mark.parametrize("rate", [0.5, 0.3, 1 / 3])
def test_mask_drops_the_rate_also_at_the_16_bit_boundary(rate, monkeypatch):
    """The CPU mask is drawn as 16-bit integers: an entry on the boundary value is dropped by a coin of
    probability frac(rate * 2^16), so the drop probability is the rate itself, not its 16-bit
    rounding. Forcing every draw onto the boundary leaves only the coin: the fraction of masks it
    drops is that fraction (400 masks: within 4 standard deviations)."""
    shape = (301, 7)  # not a multiple of four entries
    keep = dropout._keep_mask(shape, rate)
    assert keep.shape == shape and keep.dtype == torch.bool
    threshold = int(rate * 65536)

    def on_the_boundary(self, *args, **kwargs):  # kwargs: the seeded layers pass `generator=`
        return self.fill_(_packed(threshold - 32768))

    monkeypatch.setattr(torch.Tensor, "random_", on_the_boundary)
    torch.manual_seed(0)
    dropped = [(~dropout._keep_mask((20, 5), rate)).float().mean().item() for _ in range(400)]
    assert set(dropped) <= {0.0, 1.0}
    fraction = rate * 65536 - threshold
    assert abs(np.mean(dropped) - fraction) <= 4 * max(np.sqrt(fraction * (1 - fraction) / 400), 1e-9)


def test_rates_next_to_one_stay_exact():
    keep = dropout._keep_mask((1000, 100), 1 - 2 ** -20)
    assert not keep.any() or keep.float().mean().item() < 1e-4


def _packed(value16):
    """The int64 whose four 16-bit lanes all hold `value16`."""
    lane = value16 & 0xFFFF
    word = lane | lane << 16 | lane << 32 | lane << 48
    return word - (1 << 64) if word >= 1 << 63 else word


def test_mask_fraction_over_many_draws():
    for rate in (0.1, 0.5, 0.75):
        keep = dropout._keep_mask((1000, 1000), rate)
        assert abs((~keep).float().mean().item() - rate) < 0.002  # 4 standard deviations at 1e6 draws


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16])
def test_scaled_mask_gives_the_bits_of_masking_then_scaling(dtype):
    """The layer multiplies once by a mask holding 0 or 1/(1-rate): the same values, bit for bit, as
    masking and then scaling, in the inputs' dtype, and the gradient is the same mask."""
    rate = 0.3
    x = torch.randn(64, 50, 20, dtype=torch.float64).to(dtype).requires_grad_()
    torch.manual_seed(7)
    out = keras.layers.Dropout(rate, dtype=str(dtype).split(".")[1])(x, training=True)
    torch.manual_seed(7)
    keep = dropout._keep_mask(x.shape, rate)
    expected = x.detach() * keep * (1.0 / (1.0 - rate))
    assert out.dtype == dtype
    assert torch.equal(out.detach(), expected)
    out.backward(torch.ones_like(out))
    assert torch.equal(x.grad, (torch.ones_like(x) * keep * (1.0 / (1.0 - rate))).to(dtype))
