"""`tf.lookup` tables look up the words of a RaggedTensor (`table.lookup(tf.strings.split(texts))`, as
Hands-On ML 2, chapter 13's hand-written TextVectorization does), keeping its rows, as TensorFlow does."""
import numpy as np

from tkeras.compat import tf_namespace as tf

WORDS = ["the", "a", "movie"]


def _initializer():
    return tf.lookup.KeyValueTensorInitializer(tf.constant(WORDS), tf.range(3, dtype=tf.int64))


def test_hash_table_maps_ragged_words_row_by_row():
    table = tf.lookup.StaticHashTable(_initializer(), -1)
    ids = table.lookup(tf.ragged.constant([["movie"], ["x", "a", "the"]]))
    assert [list(map(int, row)) for row in ids.to_list()] == [[2], [-1, 1, 0]]


def test_vocabulary_table_on_split_text_matches_the_dense_lookup():
    table = tf.lookup.StaticVocabularyTable(_initializer(), num_oov_buckets=5)
    ids = table.lookup(tf.strings.split(tf.constant(["the movie", "a the film"])))
    rows = [list(map(int, row)) for row in ids.to_list()]
    film = int(np.asarray(table.lookup(tf.constant(["film"])))[0])
    assert 3 <= film < 8
    assert rows == [[0, 2], [1, 0, film]]
