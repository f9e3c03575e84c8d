"""Hands-On ML ch. 15 (QuickDraw) batches serialized tf.train.Examples and reshapes the parsed ink with
`tf.size(data_batch)`: the batch is binary strings, not UTF-8 text, and its size is just the record count."""
import numpy as np

from tkeras.compat import tf_namespace as tf
from tkeras.compat.tf_namespace.train import Example, Feature, Features, FloatList


def _records(count):
    records = []
    for i in range(count):
        ink = np.full(6, i, dtype="float32")
        example = Example(features=Features(feature={"ink": Feature(float_list=FloatList(value=ink))}))
        records.append(example.SerializeToString())
    return records


def test_size_and_shape_of_binary_records_do_not_decode_them():
    records = _records(3)
    assert any(b"\x80" <= bytes([c]) for r in records for c in r)  # not ASCII: would fail a UTF-8 decode
    batch = np.array(records + [b"\xff\xfe\x00"], dtype=object)
    assert int(tf.size(batch)) == 4
    assert list(tf.shape(batch)) == [4]


def test_reshape_by_batch_size_in_a_tfrecord_style_map():
    records = _records(4)

    def parse(data_batch):
        examples = tf.io.parse_example(data_batch, {"ink": tf.io.VarLenFeature(tf.float32)})
        flat = tf.sparse.to_dense(examples["ink"])
        return tf.reshape(flat, shape=[tf.size(data_batch), -1, 3])

    dataset = tf.data.Dataset.from_tensor_slices(np.array(records, dtype=object)).batch(2).map(parse)
    batches = [np.asarray(b) for b in dataset]
    assert [b.shape for b in batches] == [(2, 2, 3), (2, 2, 3)]
    np.testing.assert_array_equal(batches[1][1], np.full((2, 3), 3.0))
