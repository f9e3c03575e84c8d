import numpy as np
import pytest

import tkeras as keras
from tests.layer_testing import run_layer_test


def _one_hot(ids, depth):
    return np.eye(depth, dtype="float32")[ids]


def test_one_hot_each_element():
    ids = np.array([3, 2, 0, 1])
    layer = keras.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    np.testing.assert_array_equal(layer(ids).numpy(), _one_hot(ids, 4))
    column = ids[:, None]  # a trailing axis of 1 is replaced, not extended
    np.testing.assert_array_equal(layer(column).numpy(), _one_hot(ids, 4))


def test_multi_hot_and_count_fold_the_last_axis():
    ids = np.array([[0, 1], [0, 0], [1, 2], [3, 1]])
    multi = keras.layers.CategoryEncoding(num_tokens=6, output_mode="multi_hot")(ids).numpy()
    count = keras.layers.CategoryEncoding(num_tokens=6, output_mode="count")(ids).numpy()
    expected_count = np.stack([np.bincount(row, minlength=6) for row in ids]).astype("float32")
    np.testing.assert_array_equal(count, expected_count)
    np.testing.assert_array_equal(multi, (expected_count > 0).astype("float32"))
    # A rank-1 input is one sample (Keras 3).
    single = keras.layers.CategoryEncoding(num_tokens=6, output_mode="count")(np.array([1, 2, 3, 1])).numpy()
    np.testing.assert_array_equal(single, [0, 2, 1, 1, 0, 0])


def test_count_weights_are_summed():
    ids = np.array([[0, 1], [0, 0], [1, 2], [3, 1]])
    weights = np.array([[0.1, 0.2], [0.1, 0.1], [0.2, 0.3], [0.4, 0.2]], dtype="float32")
    out = keras.layers.CategoryEncoding(num_tokens=6, output_mode="count")(ids, count_weights=weights).numpy()
    expected = np.zeros((4, 6), "float32")
    for r, (row, w) in enumerate(zip(ids, weights)):
        np.add.at(expected[r], row, w)
    np.testing.assert_allclose(out, expected, atol=1e-7)


def test_harness_and_model_use():
    run_layer_test(keras.layers.CategoryEncoding, {"num_tokens": 5, "output_mode": "multi_hot"},
                   input_data=np.array([[1, 4], [0, 0], [2, 3]]), expected_output_shape=(3, 5),
                   expected_num_trainable_weights=0)
    inputs = keras.Input((1,), dtype="int32")
    outputs = keras.layers.Dense(1)(keras.layers.CategoryEncoding(3, output_mode="one_hot")(inputs))
    model = keras.Model(inputs, outputs)
    assert model.output_shape == (None, 1)
    assert model.predict(np.array([[0], [2]]), verbose=0).shape == (2, 1)


def test_errors():
    with pytest.raises(ValueError, match="`num_tokens` is required"):
        keras.layers.CategoryEncoding()
    with pytest.raises(ValueError, match="output_mode"):
        keras.layers.CategoryEncoding(3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="sparse=True"):
        keras.layers.CategoryEncoding(3, sparse=True)
    with pytest.raises(ValueError, match=r"range \[0, 3\).*received 3"):
        keras.layers.CategoryEncoding(3)(np.array([[0, 3]]))
    with pytest.raises(ValueError, match=r"received -1"):
        keras.layers.CategoryEncoding(3)(np.array([[-1]]))


def test_rescaling():
    images = np.random.default_rng(0).integers(0, 256, (2, 4, 4, 3)).astype("uint8")
    _, out = run_layer_test(keras.layers.Rescaling, {"scale": 1 / 127.5, "offset": -1.0}, input_data=images,
                            expected_output_shape=(2, 4, 4, 3), expected_num_trainable_weights=0)
    assert out.dtype == keras.ops.convert_to_tensor(np.float32(0)).dtype
    np.testing.assert_allclose(out.numpy(), images / 127.5 - 1, atol=1e-6)
    per_channel = keras.layers.Rescaling(scale=[1., 2., 3.])(images.astype("float32")).numpy()
    np.testing.assert_allclose(per_channel, images * np.array([1., 2., 3.]), rtol=1e-6)
    with pytest.raises(ValueError, match="`scale` must be a number"):
        keras.layers.Rescaling("half")
