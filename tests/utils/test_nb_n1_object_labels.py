"""`to_categorical` on labels held in an `object` array.

pandas leaves a column as dtype `object` after `data['Species'].replace(['a', 'b'], [0, 1])`, and
`.values` hands that object array to `to_categorical` (the Iris softmax-regression lesson of the
Korean wikidocs NLP book). Keras converts it with `np.array(y, dtype=int)`, so it works there.
"""
import numpy as np
import pytest

from tkeras.utils import to_categorical


def test_object_array_of_ints_is_one_hot_encoded():
    labels = np.array([1, 0, 2, 1], dtype=object)
    np.testing.assert_array_equal(to_categorical(labels), np.eye(3)[[1, 0, 2, 1]])


def test_object_column_of_ints_keeps_the_column_rule():
    labels = np.array([[2], [0]], dtype=object)
    np.testing.assert_array_equal(to_categorical(labels, num_classes=4), np.eye(4)[[2, 0]])


def test_object_array_of_strings_is_still_refused():
    with pytest.raises(ValueError, match="class indices"):
        to_categorical(np.array(["setosa", "virginica"], dtype=object))


def test_pandas_replaced_label_column():
    pd = pytest.importorskip("pandas")
    species = pd.Series(["virginica", "setosa", "versicolor", "setosa"], dtype=object)
    codes = species.replace(["virginica", "setosa", "versicolor"], [0, 1, 2]).values.astype(object)
    np.testing.assert_array_equal(to_categorical(codes), np.eye(3)[[0, 1, 2, 1]])
