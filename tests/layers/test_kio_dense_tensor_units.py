"""tf.keras 2 took a scalar integer tensor as `Dense(units)` and stored it as a Python int (keras-io
`wgan-graphs` sizes a layer with `Dense(tf.math.reduce_prod(adjacency_shape))`)."""
import numpy as np
import pytest
import torch

import tkeras


def test_scalar_integer_tensor_units_become_an_int():
    layer = tkeras.layers.Dense(tkeras.ops.prod(tkeras.ops.convert_to_tensor([5, 9, 9])))
    assert layer.units == 405 and type(layer.units) is int
    assert layer.get_config()["units"] == 405
    assert tuple(layer(np.zeros((2, 3), "float32")).shape) == (2, 405)


def test_float_or_non_scalar_tensor_units_are_refused():
    with pytest.raises(ValueError, match="units"):
        tkeras.layers.Dense(torch.tensor(4.0))
    with pytest.raises(ValueError, match="units"):
        tkeras.layers.Dense(torch.tensor([4, 2]))
