"""Hands-On ML ch. 13 reads TFRecords of tf.train.Examples: a VarLenFeature of strings comes back as a
SparseTensor of bytes that the book densifies (`tf.sparse.to_dense(..., default_value=b"")`) or turns into
rows (`tf.RaggedTensor.from_sparse`). Expected values follow TensorFlow's documented behaviour: missing
positions take the default (the empty string unless given), and from_sparse keeps each row's values."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf
from tkeras.compat.tf_namespace.train import BytesList, Example, Feature, Features


def _emails_example(emails):
    return Example(features=Features(feature={"emails": Feature(bytes_list=BytesList(value=emails))}))


def _parsed_batch():
    records = [_emails_example([b"a@b.com", b"c@d.com"]).SerializeToString(), Example().SerializeToString()]
    return tf.io.parse_example(records, {"emails": tf.io.VarLenFeature(tf.string)})["emails"]


def test_string_sparse_to_dense_fills_the_default():
    single = tf.io.parse_single_example(_emails_example([b"a@b.com", b"c@d.com"]).SerializeToString(),
                                        {"emails": tf.io.VarLenFeature(tf.string)})["emails"]
    dense = tf.sparse.to_dense(single, default_value=b"")
    assert dense.shape == (2,)
    assert dense.numpy().tolist() == [b"a@b.com", b"c@d.com"]
    batch = tf.sparse.to_dense(_parsed_batch())  # no default given: the empty string
    assert batch.numpy().tolist() == [[b"a@b.com", b"c@d.com"], [b"", b""]]
    filled = tf.sparse.to_dense(_parsed_batch(), default_value="?")
    assert filled.numpy().tolist() == [[b"a@b.com", b"c@d.com"], [b"?", b"?"]]


def test_ragged_from_sparse_keeps_rows_including_empty_ones():
    rows = tf.RaggedTensor.from_sparse(_parsed_batch())
    assert rows.to_list() == [[b"a@b.com", b"c@d.com"], []]
    numbers = tf.SparseTensor(indices=[[0, 0], [0, 1], [2, 0]], values=[1., 2., 3.], dense_shape=[4, 3])
    ragged = tf.RaggedTensor.from_sparse(numbers)
    assert ragged.to_list() == [[1.0, 2.0], [], [3.0], []]
    np.testing.assert_array_equal(np.asarray(ragged.row_splits), [0, 2, 2, 3, 3])


def test_ragged_from_sparse_rejects_what_tensorflow_rejects():
    gap = tf.SparseTensor(indices=[[0, 0], [0, 2]], values=[1., 2.], dense_shape=[2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="right-ragged"):
        tf.RaggedTensor.from_sparse(gap)
    with pytest.raises(ValueError, match="rank 2"):
        tf.RaggedTensor.from_sparse(tf.SparseTensor(indices=[[0]], values=[1.], dense_shape=[3]))
