"""`get_vocabulary()` hands the learned or given tokens back as NumPy scalars and the special tokens as
Python values, as Keras does (keras-io's video classifier and image captioner print vocabularies, which
NumPy 2 shows as `np.str_('...')`). Expected entries recorded from Keras 3.15.1 by
tests/fixtures/make_kio_vocabulary_token_types_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras as keras

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_vocabulary_token_types_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(REFERENCE) as f:
        return json.load(f)


def _describe(vocabulary):
    return [[str(token), type(token).__name__, repr(token)] for token in vocabulary]


def _layers():
    vectorizer = keras.layers.TextVectorization(max_tokens=10)
    vectorizer.adapt(["a b c", "a b", "a"])
    adapted = keras.layers.StringLookup()
    adapted.adapt(np.array(["q", "q", "r"]))
    integers = keras.layers.IntegerLookup()
    integers.adapt(np.array([5, 5, 7]))
    return {
        "text_vectorization": vectorizer.get_vocabulary(),
        "text_vectorization_plain": vectorizer.get_vocabulary(include_special_tokens=False),
        "string_lookup_array": keras.layers.StringLookup(vocabulary=np.array(["x", "y"])).get_vocabulary(),
        "string_lookup_list_masked": keras.layers.StringLookup(vocabulary=["x", "y"], mask_token="").get_vocabulary(),
        "string_lookup_adapted": adapted.get_vocabulary(),
        "integer_lookup_adapted": integers.get_vocabulary(),
        "integer_lookup_masked": keras.layers.IntegerLookup(vocabulary=[3, 4], mask_token=0).get_vocabulary(),
    }


def test_token_types_and_reprs_match_keras(reference):
    for case, vocabulary in _layers().items():
        assert _describe(vocabulary) == reference[case], case


def test_numpy_tokens_still_look_up_and_save():
    layer = keras.layers.StringLookup(vocabulary=["x", "y"])
    np.testing.assert_array_equal(np.asarray(layer(np.array(["y", "x", "z"]))), [2, 1, 0])
    assert json.loads(json.dumps(layer.get_config()))["vocabulary"] == ["x", "y"]
