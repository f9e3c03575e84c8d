"""The ragged tf.data parts of tensorflow.org's ragged tensor guide and of Hands-On ML's ragged pipelines,
against TensorFlow's recorded answers (tests/fixtures/make_nb_k3_ragged_data_reference.py): batching the
rows of a RaggedTensor gives RaggedTensor batches, RaggedFeature parsing, a map returning a RaggedTensor,
TensorFlow's integer reduce_mean and hash buckets of ragged words."""
import json
import os

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb_k3_ragged_data_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(REFERENCE) as f:
        return json.load(f)


def plain(value):
    if isinstance(value, tf.RaggedTensor):
        return {"ragged": plain(value.to_list())}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "numpy") or isinstance(value, np.ndarray):
        value = np.asarray(value).tolist()
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def serialized_examples(reference):
    def example(colors, lengths):
        return tf.train.Example(features=tf.train.Features(feature={
            "colors": tf.train.Feature(bytes_list=tf.train.BytesList(value=[c.encode() for c in colors])),
            "lengths": tf.train.Feature(int64_list=tf.train.Int64List(value=lengths))})).SerializeToString()
    return [example(c, n) for c, n in zip(reference["words"], reference["lengths"])]


def spec():
    return {"lengths": tf.io.RaggedFeature(tf.int64), "colors": tf.io.RaggedFeature(tf.string),
            "size": tf.io.RaggedFeature(tf.int64, value_key="lengths")}


def test_batching_rows_of_a_ragged_tensor(reference):
    rows = tf.data.Dataset.from_tensor_slices(tf.ragged.constant(reference["rows"], ragged_rank=1))
    assert [plain(b) for b in rows.batch(2)] == reference["int_batches"]
    words = tf.data.Dataset.from_tensor_slices(tf.ragged.constant(reference["words"]))
    assert [plain(b) for b in words.batch(3)] == reference["text_batches"]


def test_parse_ragged_features(reference):
    parsed = tf.io.parse_example(serialized_examples(reference), spec())
    assert list(parsed) == reference["parsed_keys"]
    assert plain(parsed) == reference["parsed"]
    single = tf.io.parse_single_example(serialized_examples(reference)[2], spec())
    assert plain(single) == reference["parsed_single"]


def test_dataset_of_parsed_features_batch_unbatch_map(reference):
    features = tf.data.Dataset.from_tensor_slices(tf.io.parse_example(serialized_examples(reference), spec()))
    assert [plain(b) for b in features.batch(2)] == reference["feature_batches"]
    assert [plain(b) for b in features.batch(2).unbatch()] == reference["unbatched"]
    mapped = features.map(lambda f: {"mean_length": tf.math.reduce_mean(f["lengths"]),
                                     "length_ranges": tf.ragged.range(f["lengths"])})
    assert [plain(b) for b in mapped] == reference["mapped"]
    assert [plain(b) for b in mapped.batch(2)] == reference["mapped_batches"]


def test_integer_reduce_mean_keeps_integers(reference):
    ints = tf.constant([[1, 2], [-3, 4], [5, 8]])
    got = {"all": plain(tf.reduce_mean(ints)), "axis0": plain(tf.reduce_mean(ints, axis=0)),
           "axis1_keep": plain(tf.math.reduce_mean(ints, axis=1, keepdims=True)),
           "empty": plain(tf.reduce_mean(tf.constant([], tf.int64)))}
    assert got == reference["int_means"]
    assert str(tf.reduce_mean(ints).dtype).endswith("int32")


def test_hash_buckets_of_ragged_words(reference):
    sentences = tf.constant(["What makes you think she is a witch?", "A newt?"])
    assert plain(tf.strings.to_hash_bucket_fast(tf.strings.split(sentences, " "), 1000)) == reference["hashed"]
