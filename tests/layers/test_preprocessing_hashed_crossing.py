"""HashedCrossing: the bins real Keras 3.15.1 gives (tests/fixtures/preprocessing_extra_reference.json),
Fingerprint-cat folding against a plain-Python reference, shapes in the functional API, and errors."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures.make_preprocessing_extra_reference import CROSSING_CASES, crossing_features
from tkeras.layers.preprocessing._fingerprint import fingerprint64_bytes, fingerprint_cat64

with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures",
                       "preprocessing_extra_reference.json")) as _handle:
    REFERENCE = json.load(_handle)["hashed_crossing"]


@pytest.mark.parametrize("case", CROSSING_CASES, ids=[c[0] for c in CROSSING_CASES])
def test_bins_and_config_match_keras(case):
    name, _, num_bins, mode = case
    layer = keras.layers.HashedCrossing(num_bins=num_bins, output_mode=mode)
    out = np.asarray(layer(crossing_features(case)))
    expected = np.asarray(REFERENCE[name]["output"])
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)
    assert str(out.dtype) == ("int64" if mode == "int" else "float32")
    assert layer.get_config() == {**REFERENCE[name]["config"], "name": layer.name}


def _cat64_reference(first, second):
    mask, mul = (1 << 64) - 1, 0xC6A4A7935BD1E995
    result = first ^ mul
    result ^= (((second * mul) & mask) ^ (((second * mul) & mask) >> 47)) * mul & mask
    result = (result * mul) & mask
    result = ((result ^ (result >> 47)) * mul) & mask
    return result ^ (result >> 47)


def test_fingerprint_cat64_matches_python_integers():
    pairs = [(0, 0), (0xDECAFCAFFE, 101), ((1 << 64) - 1, 12345), (fingerprint64_bytes(b"A"), (1 << 64) - 3)]
    got = fingerprint_cat64(np.array([p[0] for p in pairs], np.uint64), np.array([p[1] for p in pairs], np.uint64))
    assert [int(v) for v in got] == [_cat64_reference(a, b) for a, b in pairs]


def test_plain_lists_are_separate_features_and_bytes_equal_strings():
    layer = keras.layers.HashedCrossing(num_bins=5)
    np.testing.assert_array_equal(np.asarray(layer((["A", "B", "A"], [101, 101, 101]))), [1, 4, 1])
    as_bytes = np.asarray(layer((np.array([b"A", b"B"], dtype=object), np.array([101, 101]))))
    np.testing.assert_array_equal(as_bytes, [1, 4])


def test_functional_model_with_string_and_int_inputs():
    a, b = keras.Input((1,), dtype="string"), keras.Input((1,), dtype="int64")
    outputs = keras.layers.HashedCrossing(5, output_mode="one_hot")([a, b])
    assert tuple(outputs.shape) == (None, 5)
    model = keras.Model([a, b], outputs)
    got = model.predict([np.array([["A"], ["B"]]), np.array([[101], [101]])], verbose=0)
    np.testing.assert_array_equal(got, np.eye(5, dtype="float32")[[1, 4]])
    ints = keras.Model([a, b], keras.layers.HashedCrossing(5)([a, b]))
    assert tuple(ints.output_shape) == (None, 1) and ints.outputs[0].dtype == "int64"


def test_config_round_trip_and_tf_keras_form():
    layer = keras.layers.HashedCrossing.from_config({"num_bins": 4, "output_mode": "int", "sparse": False,
                                                     "name": "hc", "dtype": "int64", "trainable": True})
    assert layer.get_config() == {"num_bins": 4, "output_mode": "int", "sparse": False, "name": "hc",
                                  "dtype": "int64"}


@pytest.mark.parametrize("inputs,match", [
    (np.array(["a", "b"]), "list or tuple of at least two features"),
    ((np.array(["a", "b"]),), "at least two features, received 1"),
    ((np.array([["a", "b"]]), np.array([[1, 2]])), r"shape \(\), \(batch,\) or \(batch, 1\), received \(1, 2\)"),
    ((np.array(["a", "b"]), np.array([1, 2, 3])), r"feature 0 has \(2,\), feature 1 has \(3,\)"),
    ((np.array(["a", "b"]), np.array([1.5, 2.0])), "feature 1 has dtype float"),
])
def test_bad_inputs_are_named(inputs, match):
    with pytest.raises(ValueError, match=f"HashedCrossing: .*{match}"):
        keras.layers.HashedCrossing(num_bins=3)(inputs)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="HashedCrossing: `num_bins` must be a positive integer, received 0"):
        keras.layers.HashedCrossing(num_bins=0)
    with pytest.raises(ValueError, match=r"HashedCrossing: `output_mode` must be one of \('int', 'one_hot'\)"):
        keras.layers.HashedCrossing(num_bins=3, output_mode="count")
    with pytest.raises(ValueError, match="HashedCrossing: `sparse=True` needs TensorFlow"):
        keras.layers.HashedCrossing(num_bins=3, output_mode="one_hot", sparse=True)
