import numpy as np
import pytest

import tkeras as keras
from tests.layer_testing import run_layer_test

L = keras.layers


def test_dense_on_every_step_matches_numpy():
    layer, _ = run_layer_test(L.TimeDistributed, {"layer": L.Dense(3)}, input_shape=(2, 5, 4),
                                expected_output_shape=(2, 5, 3), expected_num_trainable_weights=2)
    kernel, bias = layer.get_weights()
    x = np.random.default_rng(0).standard_normal((2, 5, 4)).astype("float32")
    out = layer(x)
    np.testing.assert_allclose(out.detach().numpy(), x @ kernel + bias, atol=1e-5)


def test_unknown_time_dimension_and_inner_shapes():
    layer = L.TimeDistributed(L.Dense(7))
    layer.build((None, None, 4))
    assert layer.compute_output_shape((None, None, 4)) == (None, None, 7)
    assert tuple(layer(np.zeros((3, 9, 4), "float32")).shape) == (3, 9, 7)
    flat = L.TimeDistributed(L.Flatten())
    assert tuple(flat(np.zeros((2, 3, 4, 5), "float32")).shape) == (2, 3, 20)
    assert flat.compute_output_shape((None, 3, 4, 5)) == (None, 3, 20)


def test_passes_the_mask_on_and_checks_its_argument():
    x = np.array([[1, 2, 0]])
    embedded = L.Embedding(4, 2, mask_zero=True)(x)
    out = L.TimeDistributed(L.Dense(2))(embedded)
    np.testing.assert_array_equal(out._keras_mask.numpy(), x != 0)
    with pytest.raises(ValueError, match="Layer instance"):
        L.TimeDistributed("dense")


def test_config_round_trip():
    layer = L.TimeDistributed(L.Dense(2, activation="relu"))
    clone = L.TimeDistributed.from_config(layer.get_config())
    assert clone.layer.units == 2 and clone.layer.get_config()["activation"] == "relu"
