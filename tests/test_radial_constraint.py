"""tf-keras 2's RadialConstraint: one value per square ring of a Conv2D kernel, read from the positions
tf-keras 2.21 reads them from (the expected kernels below are real tf-keras outputs for arange inputs)."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import constraints

TF_KERAS_OUTPUTS = {
    3: [[8, 8, 8], [8, 0, 8], [8, 8, 8]],  # channel 0 of arange(3*3*2).reshape(3, 3, 2, 1)
    4: [[30, 30, 30, 30], [30, 10, 10, 30], [30, 10, 10, 30], [30, 30, 30, 30]],
    5: [[36] * 5, [36, 24, 24, 24, 36], [36, 24, 12, 24, 36], [36, 24, 24, 24, 36], [36] * 5],
}


@pytest.mark.parametrize("size", sorted(TF_KERAS_OUTPUTS))
def test_rings_hold_tf_keras_values(size):
    w = torch.arange(size * size * 2, dtype=torch.float32).reshape(size, size, 2, 1)
    out = constraints.RadialConstraint()(w)
    assert out.shape == w.shape
    np.testing.assert_array_equal(out[..., 0, 0].numpy(), TF_KERAS_OUTPUTS[size])
    np.testing.assert_array_equal(out[..., 1, 0].numpy(), np.asarray(TF_KERAS_OUTPUTS[size]) + 1)


def test_six_by_six_and_names():
    out = constraints.radial_constraint()(torch.arange(36.0).reshape(6, 6, 1, 1))[..., 0, 0]
    expected = [[35] * 6, [35, 28, 28, 28, 28, 35], [35, 28, 14, 14, 28, 35], [35, 28, 14, 14, 28, 35],
                [35, 28, 28, 28, 28, 35], [35] * 6]
    np.testing.assert_array_equal(out.numpy(), expected)
    assert isinstance(constraints.get("radial_constraint"), constraints.RadialConstraint)
    assert constraints.RadialConstraint().get_config() == {}
    with pytest.raises(ValueError, match=r"RadialConstraint: the weight tensor must have rank 4.*\(3, 3\)"):
        constraints.RadialConstraint()(torch.zeros(3, 3))


def test_conv2d_kernel_stays_radial_during_training():
    layer = keras.layers.Conv2D(2, 3, kernel_constraint=constraints.RadialConstraint(), padding="same")
    model = keras.Sequential([keras.Input((6, 6, 1)), layer, keras.layers.GlobalAveragePooling2D()])
    model.compile("sgd", "mse")
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(16, 6, 6, 1)).astype("float32"), rng.normal(size=(16, 2)).astype("float32"),
              epochs=1, verbose=0)
    kernel = layer.get_weights()[0][..., 0, 0]
    ring = np.delete(kernel.ravel(), 4)
    assert np.allclose(ring, ring[0]) and not np.isclose(kernel[1, 1], ring[0])
