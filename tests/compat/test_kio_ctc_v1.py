"""`tf.compat.v1.nn.ctc_loss` is TensorFlow 1's function: sparse labels, `inputs=`, blank = last class.

keras-io's captcha OCR computes its loss with `tf.compat.v1.nn.ctc_loss(inputs=..., labels=...,
sequence_length=...)`. Reference losses recorded from TensorFlow by
tests/fixtures/make_kio_ctc_v1_reference.py.
"""
import json
import os

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_ctc_v1_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def _labels(ref):
    return tf.SparseTensor(np.array(ref["indices"], "int64"), np.array(ref["values"], "int32"),
                           np.array(ref["dense_shape"], "int64"))


@pytest.mark.parametrize("case, kwargs", [("default", {}), ("collapse", {"preprocess_collapse_repeated": True})])
def test_v1_ctc_loss_matches_tensorflow(reference, case, kwargs):
    loss = tf.compat.v1.nn.ctc_loss(labels=_labels(reference), inputs=np.array(reference["logits"], "float32"),
                                    sequence_length=np.array(reference["sequence_length"], "int32"), **kwargs)
    np.testing.assert_allclose(np.asarray(loss), reference["losses"][case], rtol=1e-5)


def test_v1_ctc_loss_batch_major_positional(reference):
    logits = np.transpose(np.array(reference["logits"], "float32"), (1, 0, 2))
    loss = tf.compat.v1.nn.ctc_loss(_labels(reference), logits, np.array(reference["sequence_length"], "int32"),
                                    time_major=False)
    np.testing.assert_allclose(np.asarray(loss), reference["losses"]["batch_major"], rtol=1e-5)


def test_v1_nn_keeps_tf2_names():
    assert tf.compat.v1.nn.relu is tf.nn.relu
