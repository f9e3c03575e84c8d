"""Keras 3's `finalize_state` on the adapt layers, `Discretization.output_dtype`, and
MultiHeadAttention's projection sublayers under their public names."""
import numpy as np
import pytest
import torch

from tkeras import layers


def test_discretization_finalize_state_recomputes_boundaries_from_the_summary():
    layer = layers.Discretization(num_bins=4)
    layer.adapt(np.arange(100, dtype="float32"))
    boundaries = list(layer.bin_boundaries)
    layer.bin_boundaries = None
    layer.finalize_state()
    assert layer.bin_boundaries == boundaries
    fixed = layers.Discretization(bin_boundaries=[0.0, 1.0])
    fixed.finalize_state()  # nothing learned: a no-op
    assert fixed.bin_boundaries == [0.0, 1.0]


def test_discretization_output_dtype():
    assert layers.Discretization(bin_boundaries=[0.0]).output_dtype == "int32"
    assert layers.Discretization(bin_boundaries=[0.0], output_mode="one_hot").output_dtype == "float32"


@pytest.mark.parametrize("make, data", [
    (lambda: layers.Normalization(), np.arange(12, dtype="float32").reshape(6, 2)),
    (lambda: layers.StringLookup(), np.array(["a", "b", "a"])),
    (lambda: layers.IntegerLookup(), np.array([1, 2, 2])),
    (lambda: layers.TextVectorization(), np.array(["a b", "b c"])),
])
def test_finalize_state_after_adapt_keeps_the_adapted_state(make, data):
    layer = make()
    layer.adapt(data)
    before = np.asarray(layer(data))
    layer.finalize_state()
    np.testing.assert_array_equal(np.asarray(layer(data)), before)


def test_multi_head_attention_projection_sublayers():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    x = torch.rand(1, 3, 5)
    layer(x, x)
    for name in ("query_dense", "key_dense", "value_dense", "output_dense"):
        assert type(getattr(layer, name)).__name__ == "EinsumDense"
    assert tuple(layer.query_dense.kernel.shape) == (5, 2, 4)
    assert tuple(layer.output_dense.kernel.shape) == (2, 4, 5)
