"""Keras 3's lookup layers say what their vocabulary holds: `StringLookup.vocabulary_dtype` (not written to
its config) and `IntegerLookup.vocabulary_dtype` (written). Recorded from Keras 3.15.1 by
tests/fixtures/make_kio_text_vectorization_output_type_reference.py."""
import json
import os

import tkeras as keras

_REFERENCE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures",
                          "kio_text_vectorization_output_type_reference.json")


def _reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def test_string_lookup_vocabulary_dtype():
    reference = _reference()
    lookup = keras.layers.StringLookup(vocabulary=["a", "b"])
    assert lookup.vocabulary_dtype == reference["string_lookup_vocabulary_dtype"]
    assert ("vocabulary_dtype" in lookup.get_config()) == reference["string_lookup_config_has_vocabulary_dtype"]


def test_integer_lookup_vocabulary_dtype():
    reference = _reference()
    lookup = keras.layers.IntegerLookup(vocabulary=[1, 2])
    assert lookup.vocabulary_dtype == reference["integer_lookup_vocabulary_dtype"]
    assert lookup.get_config()["vocabulary_dtype"] == reference["integer_lookup_config_vocabulary_dtype"]
    restored = keras.layers.IntegerLookup.from_config(lookup.get_config())
    assert restored.vocabulary_dtype == reference["integer_lookup_vocabulary_dtype"]
