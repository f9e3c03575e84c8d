"""StringLookup / IntegerLookup. Expected values marked "Keras docs" are the outputs printed in the Keras 3
docstrings of these layers (made by Keras itself)."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layer_testing import run_layer_test
from tkeras.compat.tf_namespace import data as tf_data
from tests.fixtures.make_preprocessing_extra_reference import LOOKUP_SALT_CASES

with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures",
                       "preprocessing_extra_reference.json")) as _handle:
    SALT_REFERENCE = json.load(_handle)["lookup_salt"]  # real Keras 3.15.1 (script beside it)

VOCAB = ["a", "b", "c", "d"]
DATA = np.array([["a", "c", "d"], ["d", "z", "b"]])


def test_string_int_mode_keras_docs():
    layer = keras.layers.StringLookup(vocabulary=VOCAB)
    np.testing.assert_array_equal(layer(DATA).numpy(), [[1, 3, 4], [4, 0, 2]])
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "c", "d"] and layer.vocabulary_size() == 5
    assert layer.get_vocabulary(include_special_tokens=False) == VOCAB
    assert layer(["b", "zz"]).numpy().tolist() == [2, 0]  # a plain list of str works too


def test_string_adapt_ranks_by_count_then_token_descending():
    layer = keras.layers.StringLookup()
    layer.adapt(DATA)
    assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]  # Keras docs
    tokens = ["x", "y", "y", "w", "w", "v", "[UNK]"]
    capped = keras.layers.StringLookup(max_tokens=3)
    capped.adapt(tf_data.Dataset.from_tensor_slices(np.array(tokens)).batch(2))
    assert capped.get_vocabulary() == ["[UNK]", "y", "w"]  # special tokens are never learned


def test_string_oov_buckets_keras_docs():
    layer = keras.layers.StringLookup(vocabulary=VOCAB, num_oov_indices=2)
    np.testing.assert_array_equal(layer(np.array([["a", "c", "d"], ["m", "z", "b"]])).numpy(), [[2, 4, 5], [0, 1, 3]])
    strict = keras.layers.StringLookup(vocabulary=VOCAB, num_oov_indices=0)
    with pytest.raises(ValueError, match=r"num_oov_indices=0.*'z'"):
        strict(DATA)


def test_string_encoded_modes_keras_docs():
    multi = keras.layers.StringLookup(vocabulary=VOCAB, output_mode="multi_hot")
    data = np.array([["a", "c", "d", "d"], ["d", "z", "b", "z"]])
    np.testing.assert_array_equal(multi(data).numpy(), [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]])
    count = keras.layers.StringLookup(vocabulary=VOCAB, output_mode="count")
    np.testing.assert_array_equal(count(data).numpy(), [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]])
    one_hot = keras.layers.StringLookup(vocabulary=VOCAB, output_mode="one_hot")
    np.testing.assert_array_equal(one_hot(np.array(["a", "b", "c", "d", "z"])).numpy(), np.eye(5)[[1, 2, 3, 4, 0]])
    tf_idf = keras.layers.StringLookup(vocabulary=VOCAB, output_mode="tf_idf", idf_weights=[0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(tf_idf(data).numpy(), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], atol=1e-6)
    padded = keras.layers.StringLookup(vocabulary=VOCAB, output_mode="multi_hot", max_tokens=8, pad_to_max_tokens=True)
    assert tuple(padded(data).shape) == (2, 8)


def test_string_tf_idf_adapt_matches_reference():
    docs = np.array([["a", "a", "b"], ["b", "c", "c"], ["a", "d", "d"]])
    layer = keras.layers.StringLookup(output_mode="tf_idf")
    layer.adapt(docs)
    vocabulary = layer.get_vocabulary()
    doc_freq = np.array([sum(token in row for row in docs) for token in vocabulary[1:]])
    idf = np.log(1 + 3 / (1 + doc_freq))
    idf = np.concatenate([[idf.mean()], idf])
    counts = np.array([[list(row).count(token) for token in vocabulary] for row in docs], dtype=float)
    np.testing.assert_allclose(layer(docs).numpy(), counts * idf, rtol=1e-6)


def test_string_mask_token_and_invert():
    masked = keras.layers.StringLookup(vocabulary=VOCAB, mask_token="")
    np.testing.assert_array_equal(masked(np.array([["a", "c", ""], ["c", "d", "b"]])).numpy(), [[2, 4, 0], [4, 5, 3]])
    assert masked.get_vocabulary()[:2] == ["", "[UNK]"]
    multi = keras.layers.StringLookup(vocabulary=VOCAB, mask_token="", output_mode="multi_hot")
    np.testing.assert_array_equal(multi(np.array([["a", ""]])).numpy(), [[0, 1, 0, 0, 0]])  # mask has no slot
    inverse = keras.layers.StringLookup(vocabulary=VOCAB, invert=True)
    out = inverse(np.array([[1, 3, 4], [4, 0, 2]]))
    assert isinstance(out, np.ndarray) and out.tolist() == [["a", "c", "d"], ["d", "[UNK]", "b"]]


def test_vocabulary_file_and_special_tokens_in_the_list(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("[UNK]\na\nb\n", encoding="utf-8")
    layer = keras.layers.StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "a", "b"]
    ints = tmp_path / "ints.txt"
    ints.write_text("7\n-3\n", encoding="utf-8")
    assert keras.layers.IntegerLookup(vocabulary=str(ints)).get_vocabulary() == [-1, 7, -3]


def test_integer_lookup_keras_docs():
    vocab = [12, 36, 1138, 42]
    data = np.array([[12, 1138, 42], [42, 1000, 36]])
    layer = keras.layers.IntegerLookup(vocabulary=vocab)
    np.testing.assert_array_equal(layer(data).numpy(), [[1, 3, 4], [4, 0, 2]])
    adapted = keras.layers.IntegerLookup()
    adapted.adapt(data)
    assert adapted.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    inverse = keras.layers.IntegerLookup(vocabulary=vocab, invert=True)
    np.testing.assert_array_equal(inverse(np.array([[1, 3, 4], [4, 0, 2]])).numpy(), [[12, 1138, 42], [42, -1, 36]])
    # Two OOV indices: floormod of the value (37 % 2 = 1, 1000 % 2 = 0).
    buckets = keras.layers.IntegerLookup(vocabulary=vocab, num_oov_indices=2)
    np.testing.assert_array_equal(buckets(np.array([[12, 1138, 42], [37, 1000, 36]])).numpy(), [[2, 4, 5], [1, 0, 3]])
    count = keras.layers.IntegerLookup(vocabulary=vocab, output_mode="count")
    np.testing.assert_array_equal(count(np.array([[12, 1138, 12, 12], [42, 1000, 36, 1000]])).numpy(),
                                  [[0, 3, 0, 1, 0], [2, 0, 1, 0, 1]])


def test_integer_lookup_matches_a_dictionary_reference():
    rng = np.random.default_rng(0)
    vocab = rng.choice(10_000, size=50, replace=False).tolist()
    data = rng.integers(-5, 10_000, size=(64, 7))
    data[:, 0] = 0  # mask token
    layer = keras.layers.IntegerLookup(vocabulary=vocab, mask_token=0)
    index = {v: i + 2 for i, v in enumerate(vocab)}
    expected = np.vectorize(lambda v: 0 if v == 0 else index.get(v, 1))(data)
    np.testing.assert_array_equal(layer(data).numpy(), expected)


def test_harness_config_round_trip_and_model(tmp_path):
    layer, _ = run_layer_test(keras.layers.IntegerLookup, {"vocabulary": [5, 9, 2], "output_mode": "one_hot"},
                              input_data=np.array([[5], [2], [7]]), expected_output_shape=(3, 4),
                              expected_num_trainable_weights=0)
    strings = keras.layers.StringLookup(output_mode="tf_idf")
    strings.adapt(np.array([["x", "y"], ["y", "y"]]))
    clone = keras.layers.StringLookup.from_config(strings.get_config())
    assert clone.get_vocabulary() == strings.get_vocabulary()
    sample = np.array([["x", "q", "y"]])
    np.testing.assert_allclose(clone(sample).numpy(), strings(sample).numpy())
    # Raw strings through a Sequential model, saved and loaded.
    lookup = keras.layers.StringLookup(vocabulary=VOCAB, output_mode="one_hot")
    model = keras.Sequential([lookup, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.array([["a"], ["b"], ["z"], ["d"]])
    model.fit(x, np.arange(4.0), epochs=1, verbose=0)
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "lookup.keras")
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "lookup.keras").predict(x, verbose=0), expected)


def test_errors():
    with pytest.raises(ValueError, match="repeated tokens"):
        keras.layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="mask token '' is inside the vocabulary"):
        keras.layers.StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match="exceeds max_tokens=3"):
        keras.layers.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)
    with pytest.raises(ValueError, match="invert=True"):
        keras.layers.StringLookup(invert=True, output_mode="multi_hot")
    with pytest.raises(ValueError, match="needs `idf_weights`"):
        keras.layers.StringLookup(vocabulary=VOCAB, output_mode="tf_idf")
    with pytest.raises(RuntimeError, match="call adapt\\(\\) first"):
        keras.layers.StringLookup(output_mode="multi_hot")(DATA)
    with pytest.raises(TypeError, match="expected strings"):
        keras.layers.StringLookup(vocabulary=VOCAB)(np.array([[1, 2]]))
    with pytest.raises(ValueError, match="sparse=True"):
        keras.layers.IntegerLookup(output_mode="multi_hot", sparse=True)
    with pytest.raises(ValueError, match=r"StringLookup: `salt` must be an integer or a pair of integers"):
        keras.layers.StringLookup(salt="key")
    with pytest.raises(ValueError, match="IntegerLookup: a `salt` keys the hash of oov_method='farmhash'"):
        keras.layers.IntegerLookup(salt=3)


@pytest.mark.parametrize("case", LOOKUP_SALT_CASES, ids=[c[0] for c in LOOKUP_SALT_CASES])
def test_oov_buckets_and_config_match_keras(case):
    name, class_name, kwargs, values = case
    expected = SALT_REFERENCE[name]
    layer = getattr(keras.layers, class_name)(**kwargs)
    x = np.asarray(values, dtype=object if class_name == "StringLookup" else "int64")
    assert np.asarray(layer(x)).tolist() == expected["output"]
    keras_config = {**expected["config"], "dtype": "float32", "name": layer.name}
    assert layer.get_config() == keras_config and list(layer.get_config()) == list(keras_config)


def test_config_keys_follow_the_vocabulary_and_a_tf_keras_dtype():
    fresh = keras.layers.IntegerLookup().get_config()
    assert fresh["trainable"] is True and fresh["vocabulary_size"] is None
    adapted = keras.layers.StringLookup(num_oov_indices=2)
    adapted.adapt(np.array(["x", "y", "x"]))
    assert adapted.get_config()["vocabulary_size"] == 4  # two OOV indices and two tokens
    # tf-keras 2 wrote dtype int64: kept in the config, while encoded rows stay float32.
    legacy = keras.layers.StringLookup.from_config({"name": "s", "dtype": "int64", "vocabulary": ["a", "b"],
                                                    "output_mode": "one_hot"})
    assert legacy.get_config()["dtype"] == "int64"
    rows = legacy(np.array(["a", "z"]))
    assert rows.dtype == torch.float32
    np.testing.assert_array_equal(np.asarray(rows), [[0, 1, 0], [1, 0, 0]])
