"""DenseFeatures called on a dict of nested Python lists (Hands-On ML 2, chapter 13:
`dense_features({"ocean_proximity": [["NEAR OCEAN"], ["INLAND"], ["INLAND"]], "median_income": [[3.], ...]})`)
builds from the shapes those lists spell, as tf-keras 2 does. Expected values: the one-hot of the vocabulary
index and of the income bucket, written out by hand (tf-keras 2.21 prints the same 3x10 matrix)."""
import numpy as np

from tkeras.compat import tf_namespace as tf
from tkeras.layers.layer_inputs import shape_of
from tkeras.layers.preprocessing.dense_features import DenseFeatures

fc = tf.feature_column


def test_dict_of_nested_text_and_number_lists_is_featurized():
    vocabulary = ["<1H OCEAN", "INLAND", "ISLAND", "NEAR BAY", "NEAR OCEAN"]
    ocean_proximity = fc.indicator_column(fc.categorical_column_with_vocabulary_list("ocean_proximity", vocabulary))
    income = fc.bucketized_column(fc.numeric_column("median_income"), boundaries=[1.5, 3., 4.5, 6.])
    out = DenseFeatures([ocean_proximity, income])({
        "ocean_proximity": [["NEAR OCEAN"], ["INLAND"], ["INLAND"]],
        "median_income": [[3.], [7.2], [1.]],
    })
    expected = np.zeros((3, 10), "float32")
    for row, (place, bucket) in enumerate([(4, 2), (1, 4), (1, 0)]):  # DenseFeatures sorts columns by name
        expected[row, bucket] = expected[row, 5 + place] = 1.0
    np.testing.assert_array_equal(np.asarray(out), expected)


def test_shape_of_nested_lists_of_text_numbers_and_ragged_rows():
    shapes = shape_of({"text": [["a"], ["b"], ["c"]], "numbers": [[1.0, 2.0]]})
    assert shapes == {"text": (None, 1), "numbers": (None, 2)}
    assert shape_of(["one", "two"]) == (None,)
    assert shape_of([["a", "b"], ["c"]]) == (None, None)
    assert shape_of([np.zeros((2, 3)), np.zeros((2, 4))]) == [(None, 3), (None, 4)]
