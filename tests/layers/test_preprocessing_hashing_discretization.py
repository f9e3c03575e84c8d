"""Hashing (FarmHash Fingerprint64 buckets) and Discretization. Expected bins marked "Keras" are the
outputs asserted in Keras 3's own tests/docstrings; the 64-bit fingerprints are published FarmHash
reference values (tecnickcom/farmhash64's test table, checked there against Google's C++ farmhash)."""
import numpy as np
import pytest

import tkeras as keras
from tests.layer_testing import run_layer_test
from tkeras.layers.preprocessing._fingerprint import fingerprint64

WORDS = [["omar"], ["stringer"], ["marlo"], ["wire"], ["skywalker"]]


@pytest.mark.parametrize("text, expected", [
    ("", 0x9ae16a3b2f90404f), ("a", 0xb3454265b6df75e3), ("abcd", 0x1a5502de4a1f8101),
    ("abcdefghi", 0x332c8ed4dae5ba42), ("0123456789+0123456", 0xa4abb4e0da2c594c),
    ("C is as portable as Stonehedge!!", 0xb944f8a16261e414),
    ("I wouldn't marry him with a ten foot pole.", 0xa9961670ce2a46d9),
    ("For every action there is an equal and opposite government program.", 0x55182f8859eca4ce),
    ("The fugacity of a constituent in a mixture of gases at a given temperature is proportional to its mole "
     "fraction.  Lewis-Randall Rule", 0x098eff6958c5e91a),
])
def test_fingerprint64_reference_values(text, expected):
    # One case per length class of the algorithm: 0-16, 17-32, 33-64 and > 64 bytes.
    assert int(fingerprint64([text])[0]) == expected


def test_hashing_bins_match_keras():
    np.testing.assert_array_equal(keras.layers.Hashing(num_bins=2)(np.asarray(WORDS)).numpy(), [[0], [0], [1], [0], [0]])
    assert keras.layers.Hashing(num_bins=2)(["omar", "stringer", "marlo"]).numpy().tolist() == [0, 0, 1]
    np.testing.assert_array_equal(keras.layers.Hashing(num_bins=3)(np.array([[0], [1], [2], [3], [4]])).numpy(),
                                  [[1], [0], [1], [0], [2]])
    empty_mask = keras.layers.Hashing(num_bins=3, mask_value="")(np.asarray(WORDS)).numpy()
    omar_mask = keras.layers.Hashing(num_bins=3, mask_value="omar")(np.asarray(WORDS)).numpy()
    np.testing.assert_array_equal(empty_mask, [[1], [1], [2], [1], [1]])
    np.testing.assert_array_equal(omar_mask, [[0], [1], [2], [1], [1]])
    assert keras.layers.Hashing(num_bins=1)(np.asarray(WORDS)).numpy().ravel().tolist() == [0] * 5


def test_hashing_bins_are_fingerprint_mod_bins_and_encode():
    words = np.array([["alpha", "beta"], ["gamma", "alpha"]])
    bins = np.array([[int(fingerprint64([w])[0]) % 7 for w in row] for row in words])
    layer = keras.layers.Hashing(num_bins=7)
    np.testing.assert_array_equal(layer(words).numpy(), bins)
    counts = keras.layers.Hashing(num_bins=7, output_mode="count")(words).numpy()
    np.testing.assert_array_equal(counts, np.stack([np.bincount(row, minlength=7) for row in bins]))
    floats = keras.layers.Hashing(num_bins=7)(np.array([[1.7, -2.2]], dtype="float32")).numpy()
    np.testing.assert_array_equal(floats, keras.layers.Hashing(num_bins=7)(np.array([[1, -2]])).numpy())
    run_layer_test(keras.layers.Hashing, {"num_bins": 4, "output_mode": "one_hot"}, input_data=np.array([[3], [8]]),
                   expected_output_shape=(2, 4), expected_num_trainable_weights=0)


def test_hashing_errors():
    with pytest.raises(ValueError, match="`num_bins` must be a positive integer"):
        keras.layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="SipHash"):
        keras.layers.Hashing(num_bins=3, salt=133)


def test_discretization_given_boundaries_match_numpy_digitize():
    x = np.array([[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]], dtype="float32")
    layer = keras.layers.Discretization(bin_boundaries=[0., 1., 2.])
    out = layer(x).numpy()
    np.testing.assert_array_equal(out, np.digitize(x, [0., 1., 2.]))
    np.testing.assert_array_equal(out, [[0, 2, 3, 1], [1, 3, 2, 1]])  # Keras docs
    one_hot = keras.layers.Discretization(bin_boundaries=[0., 1., 2.], output_mode="one_hot")(x[0]).numpy()
    np.testing.assert_array_equal(one_hot, np.eye(4)[out[0]])


def test_discretization_adapt_keras_docs_and_quantiles():
    x = np.array([[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]])
    layer = keras.layers.Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(x)
    np.testing.assert_array_equal(layer(x).numpy(), [[0, 2, 3, 2], [1, 3, 3, 1]])  # Keras docs
    big = np.random.default_rng(0).normal(size=20_000)
    batched = keras.layers.Discretization(num_bins=4)
    batched.adapt([big[i:i + 5000] for i in range(0, 20_000, 5000)])
    np.testing.assert_allclose(batched.bin_boundaries, np.quantile(big, [0.25, 0.5, 0.75]), atol=0.02)


def test_discretization_config_after_adapt_and_errors():
    layer = keras.layers.Discretization(num_bins=3)
    layer.adapt(np.arange(30, dtype="float32"))
    clone = keras.layers.Discretization.from_config(layer.get_config())
    assert clone.bin_boundaries == layer.bin_boundaries
    run_layer_test(keras.layers.Discretization, {"bin_boundaries": [-0.5, 0.5], "output_mode": "multi_hot"},
                   input_shape=(3, 4), expected_output_shape=(3, 3), expected_num_trainable_weights=0)
    with pytest.raises(ValueError, match="not both"):
        keras.layers.Discretization(bin_boundaries=[0.], num_bins=2)
    with pytest.raises(ValueError, match="pass `bin_boundaries`, or `num_bins`"):
        keras.layers.Discretization()
    with pytest.raises(ValueError, match="sorted"):
        keras.layers.Discretization(bin_boundaries=[1., 0.])
    with pytest.raises(ValueError, match="call adapt\\(\\) first"):
        keras.layers.Discretization(num_bins=2)(np.zeros((1, 1), "float32"))
