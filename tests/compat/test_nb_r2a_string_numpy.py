"""`.numpy()` of a string tensor is an object array of Python bytes, as in TensorFlow.

Hands-On ML 2nd ed. ch. 16 counts words with `vocabulary.update(list(review.numpy()))` and shows
`vocabulary.most_common()[:3]`: the keys must be bytes (`b'<pad>'`), not NumPy's `np.bytes_`. Reference
reprs recorded from TensorFlow 2.21 by tests/fixtures/make_nb_r2a_string_numpy_reference.py.
"""
import json
from collections import Counter
from pathlib import Path

import pytest

from tkeras.compat import tf_namespace as tf

REFERENCE = json.loads((Path(__file__).parents[1] / "fixtures" / "nb_r2a_string_numpy_reference.json").read_text())


def split_reviews():
    reviews = tf.constant([b"This movie was <br />great", b"Boring"])
    words = tf.strings.split(tf.strings.regex_replace(reviews, rb"<br\s*/?>", b" "))
    return words.to_tensor(default_value=b"<pad>")


CASES = {
    "matrix": lambda: tf.constant([[b"a", b"bb"], [b"c", b"d"]]),
    "vector_non_ascii": lambda: tf.constant(["caf\u00e9", "na\u00efve", ""]),
    "split_reviews": split_reviews,
    "first_row_of_split": lambda: split_reviews()[0],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_numpy_of_text_matches_tensorflow(name):
    array = CASES[name]().numpy()
    expected = REFERENCE[name]
    assert repr(array) == expected["repr"]
    assert str(array.dtype) == expected["dtype"] and list(array.shape) == expected["shape"]
    assert sorted({type(item).__name__ for item in array.reshape(-1).tolist()}) == expected["item_types"]


def test_word_counts_are_keyed_by_bytes():
    vocabulary = Counter()
    for review in split_reviews():
        vocabulary.update(list(review.numpy()))
    assert vocabulary.most_common()[:2] == [(b"<pad>", 3), (b"This", 1)]
    assert all(type(word) is bytes for word in vocabulary)
