"""`Embedding(input_dim=tf.shape(t)[1], ...)`: tf.keras 2 accepts sizes given as 0-d integer tensors.

keras-io's CCT example sizes its positional Embedding from `tf.shape(dummy_outputs)`; the layer keeps
plain ints (so its config stays JSON) and still refuses non-integer sizes.
"""
import numpy as np
import pytest

from tkeras import layers, ops


@pytest.mark.parametrize("size", [ops.convert_to_tensor(7),
                                  np.array(7), np.int64(7)])
def test_zero_d_integer_sizes_become_ints(size):
    embedding = layers.Embedding(size, ops.convert_to_tensor(3))
    assert type(embedding.input_dim) is int and embedding.input_dim == 7
    assert type(embedding.output_dim) is int and embedding.output_dim == 3
    assert embedding.get_config()["input_dim"] == 7
    assert tuple(embedding(np.array([[0, 6]])).shape) == (1, 2, 3)


@pytest.mark.parametrize("size", [ops.convert_to_tensor(2.0), np.array([3]), ops.convert_to_tensor(True)])
def test_non_integer_or_non_scalar_sizes_are_refused(size):
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(size, 2)
