"""The dict `tf.io.parse_single_example` / `tf.io.parse_example` return lists the VarLen features first,
then the dense ones, each sorted by name, as TensorFlow does whatever order the description was written
in (recorded from TensorFlow by tests/fixtures/make_kio_parse_key_order_reference.py)."""
import json
import os

from tkeras.compat import tf_namespace as tf

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_parse_key_order_reference.json")


def _reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def _spec(kind):
    if kind == "var":
        return tf.io.VarLenFeature(tf.int64)
    if kind == "seq":
        return tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True)
    return tf.io.FixedLenFeature([], tf.int64)


def test_parsed_keys_come_in_tensorflows_order():
    reference = _reference()
    features = {name: _spec(kind) for name, kind in reference["description"]}
    example = bytes.fromhex(reference["example_hex"])
    assert list(tf.io.parse_single_example(example, features)) == reference["single_keys"]
    assert list(tf.io.parse_example([example, example], features)) == reference["batch_keys"]
