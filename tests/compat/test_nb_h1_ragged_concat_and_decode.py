"""Hands-On ML 3, chapter 12: decoding with TensorFlow's "UTF8" spelling, and tf.concat on RaggedTensors."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

WORDS = ["Café", "Coffee", "caffè", "咖啡"]


def test_unicode_decode_accepts_icu_spellings_of_the_encoding():
    for spelling in ("UTF8", "utf-8", "Utf_8"):
        decoded = tf.strings.unicode_decode(tf.constant(WORDS), spelling)
        assert decoded.to_list() == [[ord(c) for c in w] for w in WORDS]
    with pytest.raises(ValueError, match="encodings"):
        tf.strings.unicode_decode(tf.constant(WORDS), "EBCDIC")


def test_concat_ragged_along_rows_and_within_rows():
    r = tf.strings.unicode_decode(tf.constant(WORDS), "UTF8")
    codes = [[ord(c) for c in w] for w in WORDS]
    r2 = tf.ragged.constant([[65, 66], [], [67]])
    assert tf.concat([r, r2], axis=0).to_list() == codes + [[65, 66], [], [67]]
    r3 = tf.ragged.constant([[68, 69, 70], [71], [], [72, 73]])
    joined = tf.concat([r, r3], axis=1)
    assert joined.to_list() == [a + b for a, b in zip(codes, [[68, 69, 70], [71], [], [72, 73]])]
    assert tf.concat([r, r3], axis=-1).to_list() == joined.to_list()


def test_concat_ragged_with_dense_and_mismatched_rows():
    ragged = tf.ragged.constant([[1, 2], [3]])
    dense = tf.constant([[7, 8, 9]])
    assert tf.concat([ragged, dense], axis=0).to_list() == [[1, 2], [3], [7, 8, 9]]
    with pytest.raises(ValueError, match="same number of rows"):
        tf.concat([ragged, dense], axis=1)
    np.testing.assert_array_equal(tf.concat([tf.constant([[1]]), tf.constant([[2]])], axis=0).numpy(), [[1], [2]])
