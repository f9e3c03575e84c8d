"""`Tokenizer(num_words=0)` is accepted by Keras 2 and means "no cap" (it caps only for a truthy
`num_words`); tkeras refused it. Reference: tf-keras 2.21, recorded by
tests/fixtures/make_nb_n2_tokenizer_zero_num_words_reference.py."""
import json
import os

import numpy as np
import pytest

from tkeras.preprocessing.text import Tokenizer, tokenizer_from_json

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb_n2_tokenizer_zero_num_words_reference.json"),
          encoding="utf-8") as handle:
    REFERENCE = json.load(handle)


@pytest.mark.parametrize("case, kwargs", [("zero", {}), ("zero_oov", {"oov_token": "<OOV>"})])
def test_zero_num_words_converts_like_keras(case, kwargs):
    expected = REFERENCE[case]
    tokenizer = Tokenizer(num_words=0, **kwargs)
    tokenizer.fit_on_texts(REFERENCE["corpus"])
    sequences = tokenizer.texts_to_sequences(REFERENCE["queries"])
    assert tokenizer.word_index == expected["word_index"]
    assert sequences == expected["sequences"]
    assert tokenizer.sequences_to_texts(sequences) == expected["texts"]
    np.testing.assert_array_equal(tokenizer.texts_to_matrix(REFERENCE["queries"], mode="count"), expected["matrix"])
    assert tokenizer_from_json(tokenizer.to_json()).num_words == expected["num_words_after_json"]


def test_numpy_zero_is_accepted_and_negative_still_refused():
    assert Tokenizer(num_words=np.int64(0)).num_words == 0
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer(num_words=-1)
