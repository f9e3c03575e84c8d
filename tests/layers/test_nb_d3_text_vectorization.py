"""TextVectorization tokenizes as Keras does, with TensorFlow's string ops: ASCII-only lowercasing and
splitting on ASCII whitespace only. The IMDB reviews of Deep Learning with Python (chapter 14) hold
U+0085 ("film\\x85"), which Python's str.split() treats as a separator, so the vocabularies differed.
Recorded from Keras 3.15.1 by tests/fixtures/make_nb_d3_text_vectorization_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras as keras

_REFERENCE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "nb_d3_text_vectorization_reference.json")


def _reference():
    with open(_REFERENCE, encoding="utf-8") as f:
        return json.load(f)


@pytest.mark.parametrize("case", ["default", "lower", "strip_punctuation", "bigrams", "multi_hot"])
def test_vocabulary_and_indices_match_keras(case):
    reference = _reference()
    layer = keras.layers.TextVectorization(**reference["cases"][case])
    layer.adapt(reference["texts"])
    expected = reference["results"][case]
    assert layer.get_vocabulary() == expected["vocabulary"]
    np.testing.assert_array_equal(np.asarray(layer(reference["texts"])), expected["output"])


def test_a_keras_vocabulary_with_unicode_capitals_is_found():
    # A vocabulary learned by Keras holds 'École' (TensorFlow lowercases ASCII only): the same text
    # must map to it, not to the out-of-vocabulary index.
    layer = keras.layers.TextVectorization(vocabulary=["École", "film\x85"])
    np.testing.assert_array_equal(np.asarray(layer(["ÉCOLE film\x85 school"])), [[2, 3, 1]])
