"""Rows of binary strings out of `tf.data.Dataset.from_tensor_slices` (AI and ML for Coders ch. 4-5:
`tfds.as_numpy(...)` calls `.numpy()` on each `item['text']`): TensorFlow hands every row out as a
scalar string tensor, whether the source was an object array of bytes, NumPy's bytes dtype or a list of
bytes, and a batch's `.numpy()` is an object array of bytes."""
import numpy as np
import pytest

import tkeras.compat.tf_namespace as tf

SOURCES = {
    "object bytes": lambda: np.array([b"first review", b"second\x00"], dtype=object),
    "numpy bytes dtype": lambda: np.array([b"first review", b"second"]),
    "list of bytes": lambda: [b"first review", b"second"],
}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_each_row_is_a_scalar_string_tensor(source):
    texts = SOURCES[source]()
    dataset = tf.data.Dataset.from_tensor_slices({"text": texts, "label": np.array([0, 1])})
    rows = list(dataset)
    first = rows[0]["text"]
    assert first.numpy() == b"first review" and type(first.numpy()) is bytes
    assert first.dtype == tf.string and tuple(first.shape) == ()
    assert tf.is_tensor(first)
    assert rows[1]["text"].numpy().rstrip(b"\x00") == b"second"


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_a_batch_gives_an_object_array_of_bytes(source):
    batch = next(iter(tf.data.Dataset.from_tensor_slices(SOURCES[source]()).batch(2)))
    values = batch.numpy()
    assert values.dtype == object and [bytes(v).rstrip(b"\x00") for v in values] == [b"first review", b"second"]
    assert batch.dtype == tf.string and tuple(batch.shape) == (2,)


def test_object_bytes_keep_a_trailing_nul():
    rows = [row.numpy() for row in tf.data.Dataset.from_tensor_slices(SOURCES["object bytes"]())]
    assert rows == [b"first review", b"second\x00"]


def test_a_record_prints_as_a_scalar_string_tensor():
    """ch. 4 prints a TFRecord record (`repr(raw_record)`) and a parsed example dict; TensorFlow shows
    both as string tensors, and f-strings format the bytes value itself."""
    record = next(iter(tf.data.Dataset.from_tensor_slices(np.array([b"ab\x00"], dtype=object))))
    assert repr(record) == "<tf.Tensor: shape=(), dtype=string, numpy=b'ab\\x00'>"
    assert str(record) == "tf.Tensor(b'ab\\x00', shape=(), dtype=string)"
    assert f"{record}" == "b'ab\\x00'"
    assert repr({"image": record}) == "{'image': <tf.Tensor: shape=(), dtype=string, numpy=b'ab\\x00'>}"
    assert record == b"ab\x00" and record.decode() == "ab\x00"
