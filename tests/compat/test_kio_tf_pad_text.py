"""`tf.pad` on text (keras-io's multi-label tf-idf trainer pads abstracts with "<pad>" in a tf.data map):
every mode pads string tensors, "" is the default fill. Reference: kio_tf_pad_text_reference.json,
recorded from TensorFlow 2.21 by make_kio_tf_pad_text_reference.py."""
import json
import os

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "kio_tf_pad_text_reference.json")))
CASES = sorted(k for k, v in REFERENCE.items() if isinstance(v, dict))


@pytest.mark.parametrize("key", CASES)
def test_pad_text_matches_tensorflow(key):
    case = REFERENCE[key]
    result = tf.pad(case["value"], **case["kwargs"])
    assert [x.decode() for x in np.asarray(result.numpy()).ravel()] == case["result"]
    assert list(result.shape) == case["shape"]


def test_a_tensor_pad_amount_and_a_scalar_string_tensor_inside_a_list():
    text = tf.constant("graph neural")
    result = tf.pad([text], [[0, tf.constant(3) - 1]], constant_values="<pad>")
    assert tf.strings.reduce_join(result, separator="").numpy() == b"graph neural<pad><pad>"


def test_reflect_past_the_axis_size_is_refused_as_in_tensorflow():
    assert REFERENCE["reflect_too_far_raises"]
    with pytest.raises(ValueError, match="REFLECT"):
        tf.pad(["a", "b"], [[1, 2]], mode="REFLECT")


def test_numbers_still_pad_as_before():
    np.testing.assert_array_equal(tf.pad(tf.constant([[1, 2]]), [[1, 0], [0, 1]]).numpy(), [[0, 0, 0], [1, 2, 0]])
    np.testing.assert_array_equal(tf.pad(tf.constant([1.0, 2.0]), [[1, 1]], "REFLECT").numpy(), [2.0, 1.0, 2.0, 1.0])
