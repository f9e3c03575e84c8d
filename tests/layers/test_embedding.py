import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layer_testing import run_layer_test

L = keras.layers


def test_harness_and_lookup():
    ids = np.array([[0, 3, 1], [4, 4, 2]])
    layer, _ = run_layer_test(L.Embedding, {"input_dim": 5, "output_dim": 2}, input_data=ids,
                              expected_output_shape=(2, 3, 2), expected_num_trainable_weights=1,
                              supports_masking=False)
    out, table = layer(ids), layer.get_weights()[0]
    assert layer.weights[0].name == "embeddings" and table.shape == (5, 2)
    np.testing.assert_array_equal(out.detach().numpy(), table[ids])


def test_default_initializer_is_uniform_within_0_05():
    layer = L.Embedding(50, 20)
    layer.build((None, 1))
    table = layer.get_weights()[0]
    assert np.abs(table).max() <= 0.05 and np.abs(table).max() > 0.04


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64", "float32", "float64"])
def test_any_integer_dtype_and_floats_holding_integers(dtype):
    layer = L.Embedding(6, 3)
    ids = np.array([[5, 0, 2]], dtype=dtype)
    np.testing.assert_array_equal(layer(ids).detach().numpy(), layer.get_weights()[0][[5, 0, 2]][None])


def test_mask_zero():
    layer = L.Embedding(4, 2, mask_zero=True)
    ids = np.array([[1, 0, 3], [0, 0, 2]])
    out = layer(ids)
    np.testing.assert_array_equal(out._keras_mask.numpy(), ids != 0)
    np.testing.assert_array_equal(layer.compute_mask(torch.from_numpy(ids)).numpy(), ids != 0)
    assert layer.supports_masking
    assert getattr(L.Embedding(4, 2)(ids), "_keras_mask", None) is None


@pytest.mark.parametrize("bad", [7, -1])
def test_out_of_range_ids_name_the_layer(bad):
    layer = L.Embedding(7, 2, name="words")
    with pytest.raises(ValueError, match=r"'words'.*\[0, input_dim=7\)"):
        layer(np.array([[1, bad]]))


def test_shapes_with_unknown_length_and_keras2_input_length():
    layer = L.Embedding(10, 4)
    assert layer.compute_output_shape((None, None)) == (None, None, 4)
    model = keras.Sequential([L.Embedding(100, 8, input_length=12)])
    assert model.layers[0]._batch_input_shape == (None, 12)
    assert model.compute_output_shape((None, 12)) == (None, 12, 8)
    assert model.count_params() == 800


def test_keras1_arguments_and_regularizer():
    layer = L.Embedding(5, 3, init="zeros", dropout=0.2, W_regularizer=keras.regularizers.get({"class_name": "L2", "config": {"l2": 0.5}}))
    layer.build((None, 2))
    np.testing.assert_array_equal(layer.get_weights()[0], 0)
    layer.set_weights([np.ones((5, 3), "float32")])
    np.testing.assert_allclose(float(sum(layer.losses).detach()), 0.5 * 15, rtol=1e-6)


def test_invalid_sizes():
    with pytest.raises(ValueError, match="output_dim must be a positive integer"):
        L.Embedding(10, 0)


def test_set_weights_before_any_data_builds_the_table():
    # Keras 2 (GloVe tutorials): the Embedding of a Sequential model took its table before fit.
    model = keras.Sequential([L.Embedding(5, 3), L.GlobalAveragePooling1D()])
    table = np.arange(15, dtype="float32").reshape(5, 3)
    model.layers[0].set_weights([table])
    np.testing.assert_array_equal(model.predict(np.array([[4, 0]]), verbose=0), (table[4:5] + table[0:1]) / 2)
