"""`StringLookup` called on a `tf.RaggedTensor` (label lists of different lengths).

keras-io's multi-label classification binarizes `tf.ragged.constant(terms)` with
`StringLookup(output_mode="multi_hot")`; the expected values below are TensorFlow 2.21 / Keras 3's
(the dtype aside: Keras on TensorFlow gives int64 there, floatx on other backends).
"""
import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def test_multi_hot_encodes_each_row_and_adapts_on_ragged():
    lookup = keras.layers.StringLookup(output_mode="multi_hot")
    lookup.adapt(tf.ragged.constant([["a", "b"], ["c"]]))
    assert lookup.get_vocabulary() == ["[UNK]", "c", "b", "a"]
    encoded = lookup(tf.ragged.constant([["a", "b"], ["c"], []]))
    np.testing.assert_array_equal(np.asarray(encoded), [[0, 0, 1, 1], [0, 1, 0, 0], [0, 0, 0, 0]])


def test_count_mode_and_int_mode():
    counts = keras.layers.StringLookup(output_mode="count", vocabulary=["a", "b"])
    np.testing.assert_array_equal(np.asarray(counts(tf.ragged.constant([["a", "a"], ["c", "b", "b"]]))),
                                  [[0, 2, 0], [1, 0, 2]])
    indices = keras.layers.StringLookup(vocabulary=["a", "b"])(tf.ragged.constant([["a", "a"], ["c", "b", "b"]]))
    assert indices.to_list() == [[1, 1], [0, 2, 2]]


def test_one_hot_refuses_ragged_inputs():
    lookup = keras.layers.StringLookup(output_mode="one_hot", vocabulary=["a"])
    with pytest.raises(ValueError, match="one_hot"):
        lookup(tf.ragged.constant([["a"], ["a", "a"]]))
