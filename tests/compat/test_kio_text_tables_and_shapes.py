"""keras-io's memory_efficient_embeddings keeps a `tf.lookup.StaticHashTable` from movie ids (text) to
block numbers inside a layer and sizes a tensor with `tf.shape(inputs)[0]` of the text input; the table's
values are int32 when given as Python ints, as `tf.constant` makes them."""
import numpy as np
import torch

import tkeras as keras
from tkeras.compat import tf_namespace as tf

TEXT = np.array([["a", "b", "c"], ["d", "e", "f"]], dtype=object)


def test_shape_rank_and_size_of_text():
    np.testing.assert_array_equal(np.asarray(tf.shape(TEXT)), [2, 3])
    assert tf.shape(TEXT).dtype == torch.int32
    assert int(tf.rank(TEXT)) == 2
    assert int(tf.size(TEXT)) == 6
    np.testing.assert_array_equal(np.asarray(tf.shape(np.array(["x", "y"]), out_type=tf.int64)), [2])


def test_table_value_dtype_follows_tensorflow_conversion():
    python_ints = tf.lookup.KeyValueTensorInitializer(["a", "b"], [0, 1])
    numpy_ints = tf.lookup.KeyValueTensorInitializer(["a", "b"], np.array([0, 1]))
    assert tf.lookup.StaticHashTable(python_ints, -1).lookup(tf.constant(["b", "z"])).dtype == torch.int32
    assert tf.lookup.StaticHashTable(numpy_ints, -1).lookup(tf.constant(["b", "z"])).dtype == torch.int64
    np.testing.assert_array_equal(np.asarray(tf.lookup.StaticHashTable(python_ints, -1).lookup(
        tf.constant(["b", "z", "a"]))), [1, -1, 0])


class _BlockOf(keras.layers.Layer):
    """A text -> block table inside a layer; the output is sized from the text with tf.shape."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["x", "y"], [0, 1]), -1)

    def call(self, inputs):
        blocks = tf.cast(self.table.lookup(inputs), tf.float32)
        return tf.zeros(shape=(tf.shape(inputs)[0], 2)) + tf.expand_dims(blocks, 1)


def test_table_inside_a_layer_of_a_string_model():
    text = keras.Input(shape=(), dtype="string")
    model = keras.Model(text, _BlockOf()(text))
    assert model.output_shape == (None, 2)
    ids = np.array(["y", "q", "x"], dtype=object)
    np.testing.assert_array_equal(model.predict(ids, verbose=0), [[1, 1], [-1, -1], [0, 0]])


def test_text_arrays_have_the_string_dtype():
    assert tf.constant(["a", "bb"]).dtype == tf.string and tf.string == tf.constant(["a"]).dtype
    assert not tf.constant(["a", "bb"]).dtype != tf.string
    batch = next(iter(tf.data.Dataset.from_tensor_slices(np.array(["a", "b", "c"])).batch(2)))
    assert batch.dtype == tf.string and tf.dtypes.string == batch.dtype
    assert tf.constant([1.0]).dtype != tf.string and np.dtype("float32") != tf.string
    assert tf.string == "string"
