"""Hashing (FarmHash Fingerprint64 buckets) and Discretization. Expected bins marked "Keras" are the
outputs asserted in Keras 3's own tests/docstrings; the 64-bit fingerprints are published FarmHash
reference values (tecnickcom/farmhash64's test table, checked there against Google's C++ farmhash)."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layer_testing import run_layer_test
from tkeras.layers.preprocessing._fingerprint import fingerprint64
from tkeras.layers.preprocessing._keyed_hash import siphash24
from tests.fixtures.make_preprocessing_extra_reference import SALT_CASES

with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures",
                       "preprocessing_extra_reference.json")) as _handle:
    SALT_REFERENCE = json.load(_handle)["hashing_salt"]  # real Keras 3.15.1 (script beside it)

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
    with pytest.raises(ValueError, match=r"Hashing: `salt` must be an integer or a pair of integers .*\[1, 2, 3\]"):
        keras.layers.Hashing(num_bins=3, salt=[1, 2, 3])
    with pytest.raises(ValueError, match="Hashing: with output_mode='int' .* 'int32' or 'int64', received 'float32'"):
        keras.layers.Hashing(num_bins=3, dtype="float32")


def test_siphash24_published_vector():
    # The SipHash paper's test vector: key 00..0f, message 00..0e (15 bytes).
    key0 = int.from_bytes(bytes(range(8)), "little")
    key1 = int.from_bytes(bytes(range(8, 16)), "little")
    assert siphash24(key0, key1, bytes(range(15))) == 0xA129CA6149BE45E5
    assert siphash24(key0, key1, b"") == 0x726FDB47DD0E0E31


@pytest.mark.parametrize("case", SALT_CASES, ids=[c[0] for c in SALT_CASES])
def test_salted_bins_and_config_match_keras(case):
    name, values, dtype, num_bins, salt, mask_value, output_mode = case
    expected = SALT_REFERENCE[name]
    x = np.asarray(values, dtype=object if dtype == "str" else dtype)
    layer = keras.layers.Hashing(num_bins=num_bins, salt=salt, mask_value=mask_value, output_mode=output_mode)
    np.testing.assert_array_equal(np.asarray(layer(x)), expected["salted"])
    plain = keras.layers.Hashing(num_bins=num_bins, mask_value=mask_value, output_mode=output_mode)
    np.testing.assert_array_equal(np.asarray(plain(x)), expected["plain"])
    config = layer.get_config()
    assert config["salt"] == expected["config"]["salt"]
    assert config["dtype"] == expected["config"]["dtype"]["config"]["name"]


def test_hashing_dtype_is_keras_int64_for_bins():
    layer = keras.layers.Hashing(num_bins=4)
    assert layer.dtype == "int64" and layer.get_config()["dtype"] == "int64"
    assert keras.layers.Hashing(num_bins=4, output_mode="count").get_config()["dtype"] == "float32"
    small = keras.layers.Hashing(num_bins=4, dtype="int32")(np.array([["a"], ["b"]]))
    assert small.dtype == torch.int32
    inputs = keras.Input((1,), dtype="string")
    assert keras.layers.Hashing(num_bins=4)(inputs).dtype == "int64"


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
