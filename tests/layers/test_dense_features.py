"""tf.feature_column + tf-keras 2's DenseFeatures against TensorFlow 2.21 / tf-keras 2.21's outputs on the same
features (recorded by tests/fixtures/make_feature_columns_reference.py), and the TensorFlow 2
structured-data tutorial's pattern: a Sequential model whose first layer takes the dict of columns."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf
from tkeras.layers.preprocessing.dense_features import DenseFeatures

fc = tf.feature_column
REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "feature_columns_reference.json")))
FEATURES = {"age": np.array(REFERENCE["features"]["age"], "int64"),
            "chol": np.array(REFERENCE["features"]["chol"], "float64"),
            "thal": np.array(REFERENCE["features"]["thal"]),
            "slope": np.array(REFERENCE["features"]["slope"], "int64"),
            "code": np.array(REFERENCE["features"]["code"], "int64"),
            "pair": np.array(REFERENCE["features"]["pair"], "float32"),
            "weight": np.array(REFERENCE["features"]["weight"], "float32")}
EMBEDDING = np.array(REFERENCE["embedding"], "float32")


def _columns():  # the same columns as the fixture script
    age = fc.numeric_column("age")
    thal = fc.categorical_column_with_vocabulary_list("thal", ["fixed", "normal", "reversible"])
    thal_oov = fc.categorical_column_with_vocabulary_list("thal", ["fixed", "normal"], num_oov_buckets=3)
    thal_default = fc.categorical_column_with_vocabulary_list("thal", ["fixed", "normal"], default_value=0)
    codes = fc.categorical_column_with_vocabulary_list("code", [3, 5, 7], num_oov_buckets=2)
    age_buckets = fc.bucketized_column(age, boundaries=[18, 25, 30, 35, 40, 45, 50, 55, 60, 65])
    slope_embedding = fc.embedding_column(fc.categorical_column_with_identity("slope", num_buckets=4), dimension=3,
                                          initializer=keras.initializers.Constant(EMBEDDING))
    return {
        "numeric": [age],
        "numeric_normalized": [fc.numeric_column("chol", normalizer_fn=lambda x: (x - 1.0) / 2.0)],
        "numeric_shape2": [fc.numeric_column("pair", shape=(2,))],
        "bucketized": [age_buckets],
        "bucketized_shape2": [fc.bucketized_column(fc.numeric_column("pair", shape=(2,)), [2.0, 5.0])],
        "indicator_vocabulary": [fc.indicator_column(thal)],
        "indicator_vocabulary_oov": [fc.indicator_column(thal_oov)],
        "indicator_vocabulary_default": [fc.indicator_column(thal_default)],
        "indicator_int_vocabulary_oov": [fc.indicator_column(codes)],
        "indicator_hash_bucket": [fc.indicator_column(fc.categorical_column_with_hash_bucket("thal", 50))],
        "indicator_int_hash_bucket": [fc.indicator_column(
            fc.categorical_column_with_hash_bucket("code", 20, dtype=tf.int64))],
        "indicator_identity": [fc.indicator_column(fc.categorical_column_with_identity("slope", num_buckets=4))],
        "indicator_crossed": [fc.indicator_column(fc.crossed_column([age_buckets, "thal"], hash_bucket_size=40))],
        "indicator_crossed_raw_first": [fc.indicator_column(fc.crossed_column(["thal", age_buckets], 40))],
        "indicator_crossed_strings": [fc.indicator_column(fc.crossed_column(["thal", "code"], hash_bucket_size=30))],
        "embedding": [slope_embedding],
        "embedding_vocabulary": [fc.embedding_column(thal, dimension=3,
                                                     initializer=keras.initializers.Constant(EMBEDDING[:3]))],
        "weighted_indicator": [fc.indicator_column(fc.weighted_categorical_column(
            fc.categorical_column_with_identity("slope", num_buckets=4), "weight"))],
        "weighted_embedding_sqrtn": [fc.embedding_column(fc.weighted_categorical_column(
            fc.categorical_column_with_identity("slope", num_buckets=4), "weight"), dimension=3, combiner="sqrtn",
            initializer=keras.initializers.Constant(EMBEDDING))],
        "all": [fc.indicator_column(thal), age, age_buckets, fc.numeric_column("chol"), slope_embedding],
    }


@pytest.mark.parametrize("case", sorted(REFERENCE["cases"]))
def test_dense_features_computes_what_tensorflow_does(case):
    columns = _columns()[case]
    expected = REFERENCE["cases"][case]
    assert [c.name for c in columns] == expected["names"]
    layer = DenseFeatures(columns)
    output = layer(FEATURES)
    np.testing.assert_allclose(np.asarray(output), np.array(expected["output"], "float32"), rtol=1e-6, atol=1e-7)
    assert [(w.path.split("/", 1)[1], list(w.shape)) for w in layer.weights] == [
        (name.split("/", 1)[1].split(":")[0], shape) for name, shape in expected["weights"]]


def test_columns_reject_what_tensorflow_rejects():
    with pytest.raises(ValueError, match="wrap categorical column 'thal' in indicator_column"):
        DenseFeatures([fc.categorical_column_with_vocabulary_list("thal", ["a"])])
    with pytest.raises(ValueError, match="boundaries must be a sorted list"):
        fc.bucketized_column(fc.numeric_column("age"), [3, 1])
    with pytest.raises(ValueError, match=r"ids must be in \[0, 2\)"):
        DenseFeatures([fc.indicator_column(fc.categorical_column_with_identity("slope", 2))])(FEATURES)
    with pytest.raises(ValueError, match="the features have no key 'missing'"):
        DenseFeatures([fc.numeric_column("missing")])(FEATURES)


def test_the_structured_data_tutorial_trains_a_sequential_model_on_a_dataset_of_columns():
    rng = np.random.default_rng(0)
    n = 64
    table = {"age": rng.integers(20, 80, n), "thal": rng.choice(["fixed", "normal", "reversible"], n),
             "chol": rng.normal(240, 40, n)}
    target = ((table["age"] > 50) | (table["thal"] == "reversible")).astype("int64")
    age = fc.numeric_column("age")
    thal = fc.categorical_column_with_vocabulary_list("thal", ["fixed", "normal", "reversible"])
    columns = [age, fc.bucketized_column(age, [30, 40, 50, 60]), fc.numeric_column("chol"), fc.indicator_column(thal),
               fc.embedding_column(fc.categorical_column_with_hash_bucket("thal", 10), dimension=2)]
    dataset = tf.data.Dataset.from_tensor_slices((table, target)).shuffle(n).batch(16)
    model = keras.Sequential([DenseFeatures(columns), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
    embedding = model.layers[0].weights[0]
    assert embedding.path.endswith(f"{model.layers[0].name}/thal_embedding/embedding_weights")
    assert embedding.shape == (10, 2)
    predictions = model.predict(dataset, verbose=0)
    assert predictions.shape == (n, 1)


def test_dense_features_config_round_trips():
    age = fc.numeric_column("age")
    layer = DenseFeatures([fc.indicator_column(fc.crossed_column([fc.bucketized_column(age, [30]), "thal"], 7)),
                           fc.embedding_column(fc.categorical_column_with_identity("slope", 4), 2), age])
    restored = DenseFeatures.from_config(layer.get_config())
    assert [c.name for c in restored.feature_columns] == [c.name for c in layer.feature_columns]
    expected = np.asarray(layer(FEATURES))
    restored(FEATURES)
    restored.set_weights(layer.get_weights())
    np.testing.assert_array_equal(np.asarray(restored(FEATURES)), expected)


def test_vocabulary_file_column_reads_the_list_column_s_vocabulary(tmp_path):
    words, codes = tmp_path / "thal.txt", tmp_path / "codes.txt"
    words.write_text("fixed\nnormal\nreversible\n")
    codes.write_text("3\n5\n7\n")
    for file_column, list_column in [
            (fc.categorical_column_with_vocabulary_file("thal", str(words), dtype=tf.string),
             fc.categorical_column_with_vocabulary_list("thal", ["fixed", "normal", "reversible"])),
            (fc.categorical_column_with_vocabulary_file("code", str(codes), dtype=tf.int64, num_oov_buckets=2),
             fc.categorical_column_with_vocabulary_list("code", [3, 5, 7], num_oov_buckets=2))]:
        got = np.asarray(DenseFeatures([fc.indicator_column(file_column)])(FEATURES))
        np.testing.assert_array_equal(got, np.asarray(DenseFeatures([fc.indicator_column(list_column)])(FEATURES)))
