"""Hands-On ML 2nd ed. ch. 13 builds its tf.io parse spec from feature columns with
`tf.feature_column.make_parse_example_spec(columns)`. Expected specs are what TensorFlow 2.21 prints for the
same columns (numeric -> FixedLenFeature with shape/default; categorical -> VarLenFeature of string or int64;
wrappers read their inner columns' features)."""
import numpy as np

from tkeras.compat import tf_namespace as tf
from tkeras.compat.tf_namespace.train import Example, Feature, Features, FloatList

fc = tf.feature_column


def _kinds(spec):
    return {key: (type(f).__name__, str(f.dtype).replace("torch.", ""), tuple(getattr(f, "shape", ()) or ()),
                  getattr(f, "default_value", None)) for key, f in spec.items()}


def test_spec_matches_tensorflows_for_each_column_kind():
    columns = [
        fc.numeric_column("age", shape=(2,), default_value=[0., 1.]),
        fc.bucketized_column(fc.numeric_column("inc"), [1., 2.]),
        fc.indicator_column(fc.categorical_column_with_vocabulary_list("ocean", ["a", "b"])),
        fc.embedding_column(fc.categorical_column_with_vocabulary_list("n", [1, 2]), 2),
        fc.categorical_column_with_hash_bucket("city", 10),
        fc.categorical_column_with_identity("idx", 5),
        fc.crossed_column(["lat", fc.bucketized_column(fc.numeric_column("lon"), [0.])], 10),
        fc.weighted_categorical_column(fc.categorical_column_with_identity("w", 3), "wt"),
    ]
    assert _kinds(fc.make_parse_example_spec(columns)) == {
        "age": ("FixedLenFeature", "float32", (2,), (0.0, 1.0)),
        "inc": ("FixedLenFeature", "float32", (1,), None),
        "lon": ("FixedLenFeature", "float32", (1,), None),
        "ocean": ("VarLenFeature", "string", (), None), "city": ("VarLenFeature", "string", (), None),
        "lat": ("VarLenFeature", "string", (), None), "n": ("VarLenFeature", "int64", (), None),
        "idx": ("VarLenFeature", "int64", (), None), "w": ("VarLenFeature", "int64", (), None),
        "wt": ("VarLenFeature", "float32", (), None),
    }


def test_spec_parses_the_books_housing_examples():
    columns = [fc.numeric_column("housing_median_age"), fc.numeric_column("median_house_value")]
    spec = fc.make_parse_example_spec(columns)
    records = [Example(features=Features(feature={
        "housing_median_age": Feature(float_list=FloatList(value=[age])),
        "median_house_value": Feature(float_list=FloatList(value=[value]))})).SerializeToString()
        for age, value in ((41., 452600.), (21., 358500.))]
    parsed = tf.io.parse_example(records, spec)
    np.testing.assert_allclose(np.asarray(parsed["housing_median_age"]), [[41.], [21.]])
    np.testing.assert_allclose(np.asarray(parsed["median_house_value"]), [[452600.], [358500.]])
