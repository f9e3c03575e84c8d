"""Tokenizer and the text helpers, against hand-computed Keras 2 results."""
import hashlib
import json
import math
import warnings

import numpy as np
import pytest

from tkeras.preprocessing.text import (
    Tokenizer, hashing_trick, one_hot, text_to_word_sequence, tokenizer_from_json)


def fitted(texts, **kwargs):
    tokenizer = Tokenizer(**kwargs)
    tokenizer.fit_on_texts(texts)
    return tokenizer


def test_seed_example_drops_the_unknown_word():
    tokenizer = fitted(["The earth is an awesome place live"])
    assert tokenizer.texts_to_sequences(["The earth is an great place live"]) == [[1, 2, 3, 4, 6, 7]]


def test_word_index_is_by_count_with_ties_in_first_appearance_order():
    tokenizer = fitted(["b a c", "c d b", "c"])
    # counts: c=3, b=2, a=1, d=1; a appears before d.
    assert tokenizer.word_index == {"c": 1, "b": 2, "a": 3, "d": 4}
    assert tokenizer.index_word == {1: "c", 2: "b", 3: "a", 4: "d"}
    assert list(tokenizer.word_counts.items()) == [("b", 2), ("a", 1), ("c", 3), ("d", 1)]
    assert dict(tokenizer.word_docs) == {"a": 1, "b": 2, "c": 3, "d": 1}
    assert dict(tokenizer.index_docs) == {1: 3, 2: 2, 3: 1, 4: 1}
    assert tokenizer.document_count == 3


def test_counts_accumulate_over_fit_calls():
    tokenizer = fitted(["x y"])
    tokenizer.fit_on_texts(["y z", "y"])
    assert tokenizer.word_index == {"y": 1, "x": 2, "z": 3}
    assert tokenizer.document_count == 3


def test_oov_token_takes_index_one_and_catches_unknown_words():
    tokenizer = fitted(["a a b"], oov_token="<unk>")
    assert tokenizer.word_index == {"<unk>": 1, "a": 2, "b": 3}
    assert tokenizer.texts_to_sequences(["a zzz b"]) == [[2, 1, 3]]


def test_num_words_caps_the_emitted_indices_not_the_vocabulary():
    tokenizer = fitted(["a a a b b c"], num_words=3)
    assert len(tokenizer.word_index) == 3
    assert tokenizer.texts_to_sequences(["c b a"]) == [[2, 1]]
    with_oov = fitted(["a a a b b c"], num_words=3, oov_token="?")
    # indices: ?=1, a=2, b=3, c=4 -> only 1 and 2 are below 3.
    assert with_oov.texts_to_sequences(["c b a q"]) == [[1, 1, 2, 1]]
    assert with_oov.sequences_to_texts([[4, 2, 9]]) == ["? a ?"]


def test_keras1_nb_words_spelling():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tokenizer = Tokenizer(nb_words=7)
    assert tokenizer.num_words == 7
    assert any("num_words" in str(w.message) for w in caught)


def test_korean_text_keeps_hangul_and_drops_punctuation():
    texts = ["안녕하세요, 세계! 오늘 날씨가 좋네요.", "세계 평화를 위하여: 오늘도 화이팅?"]
    tokenizer = fitted(texts)
    assert text_to_word_sequence(texts[0]) == ["안녕하세요", "세계", "오늘", "날씨가", "좋네요"]
    # Eojeol are whole tokens: "오늘도" (today-too) is not "오늘" (today).
    assert tokenizer.word_index == {"세계": 1, "안녕하세요": 2, "오늘": 3, "날씨가": 4, "좋네요": 5,
                                    "평화를": 6, "위하여": 7, "오늘도": 8, "화이팅": 9}
    assert tokenizer.texts_to_sequences(["세계 오늘 없는말"]) == [[1, 3]]
    assert tokenizer.sequences_to_texts([[3, 1]]) == ["오늘 세계"]


def test_text_to_word_sequence_rules():
    assert text_to_word_sequence("Hello, World!! it's\tme\n") == ["hello", "world", "it's", "me"]
    assert text_to_word_sequence("A-B", lower=False) == ["A", "B"]
    assert text_to_word_sequence("a;b;;c", filters="", split=";") == ["a", "b", "c"]


def test_char_level_and_pre_split_input():
    tokenizer = fitted(["abca"], char_level=True)
    assert tokenizer.word_index == {"a": 1, "b": 2, "c": 3}
    assert tokenizer.texts_to_sequences(["cab"]) == [[3, 1, 2]]
    listed = fitted([["New", "York"], ["new"]])
    assert listed.word_index == {"new": 1, "york": 2}


def test_analyzer_replaces_the_default_splitting():
    tokenizer = fitted(["a|b|a"], analyzer=lambda text: text.split("|"))
    assert tokenizer.word_index == {"a": 1, "b": 2}
    assert tokenizer.texts_to_sequences(["b|a"]) == [[2, 1]]


def test_sequences_to_texts_drops_unknown_indices():
    tokenizer = fitted(["one two two"])
    assert tokenizer.sequences_to_texts([[1, 2, 99, 0]]) == ["two one"]


def test_generator_matches_the_list_version():
    tokenizer = fitted(["x y z", "y z", "z"])
    texts = ["z y x w", "x"]
    assert list(tokenizer.texts_to_sequences_generator(texts)) == tokenizer.texts_to_sequences(texts)


def test_matrix_modes_by_hand():
    tokenizer = fitted(["a b b", "b c"])  # b=1, a=2, c=3; docs: b in 2, a in 1, c in 1
    sequences = [[1, 1, 2], [3], []]
    expected_count = np.array([[0, 2, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]], dtype=float)
    np.testing.assert_array_equal(tokenizer.sequences_to_matrix(sequences, mode="count"), expected_count)
    np.testing.assert_array_equal(tokenizer.sequences_to_matrix(sequences, mode="binary"), expected_count > 0)
    np.testing.assert_allclose(tokenizer.sequences_to_matrix(sequences, mode="freq"),
                               [[0, 2 / 3, 1 / 3, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
    tfidf = tokenizer.sequences_to_matrix(sequences, mode="tfidf")
    idf_b = math.log(1 + 2 / (1 + 2))
    idf_a = math.log(1 + 2 / (1 + 1))
    np.testing.assert_allclose(tfidf[0], [0, (1 + math.log(2)) * idf_b, idf_a, 0])
    np.testing.assert_allclose(tfidf[1], [0, 0, 0, idf_a])
    assert tokenizer.texts_to_matrix(["b b z"], mode="count").tolist() == [[0, 2, 0, 0]]


def test_matrix_width_follows_num_words_and_freq_counts_dropped_indices_in_length():
    tokenizer = Tokenizer(num_words=3)
    matrix = tokenizer.sequences_to_matrix([[1, 2, 5, 5]], mode="freq")
    np.testing.assert_allclose(matrix, [[0, 0.25, 0.25]])


def test_json_round_trip_keeps_every_table():
    tokenizer = fitted(["the cat", "the hat", "세계"], oov_token="<oov>", num_words=4)
    text = tokenizer.to_json(ensure_ascii=False)
    assert json.loads(text)["class_name"] == "Tokenizer"
    restored = tokenizer_from_json(text)
    assert restored.word_index == tokenizer.word_index
    assert restored.index_word == tokenizer.index_word
    assert dict(restored.index_docs) == dict(tokenizer.index_docs)
    assert restored.word_counts == tokenizer.word_counts
    assert restored.num_words == 4 and restored.oov_token == "<oov>" and restored.document_count == 3
    assert restored.texts_to_sequences(["the hat 세계 dog"]) == tokenizer.texts_to_sequences(["the hat 세계 dog"])


def test_config_stores_dictionaries_as_json_strings():
    config = fitted(["x y y"]).get_config()
    assert json.loads(config["word_index"]) == {"y": 1, "x": 2}
    assert json.loads(config["index_word"]) == {"1": "y", "2": "x"}


def test_fit_on_sequences_counts_documents_per_index():
    tokenizer = Tokenizer()
    tokenizer.fit_on_sequences([[1, 1, 2], [2, 3]])
    assert tokenizer.document_count == 2
    assert dict(tokenizer.index_docs) == {1: 1, 2: 2, 3: 1}


def test_hashing_trick_md5_is_the_md5_of_each_word():
    expected = [int(hashlib.md5(w.encode()).hexdigest(), 16) % 9 + 1 for w in ("hello", "world")]
    assert hashing_trick("Hello, world!", 10, hash_function="md5") == expected


def test_one_hot_is_hash_based_and_in_range():
    indices = one_hot("a b a c", 5)
    assert len(indices) == 4 and indices[0] == indices[2]
    assert all(1 <= i < 5 for i in indices)
    assert indices == [hash(w) % 4 + 1 for w in "a b a c".split()]


@pytest.mark.parametrize("bad", [-1, -3])
def test_num_words_below_one_is_refused(bad):
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer(num_words=bad)


def test_unknown_keyword_is_refused():
    with pytest.raises(TypeError, match="nb_wrds"):
        Tokenizer(nb_wrds=3)


def test_texts_that_are_not_strings_name_the_item():
    with pytest.raises(TypeError, match=r"item 1.*int"):
        Tokenizer().fit_on_texts(["fine", 42])
    with pytest.raises(TypeError, match="decode"):
        fitted(["a"]).texts_to_sequences([b"bytes"])
    with pytest.raises(TypeError, match="iterable"):
        Tokenizer().fit_on_texts(7)
    with pytest.raises(TypeError, match="string"):
        text_to_word_sequence(None)


def test_matrix_errors():
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match="mode"):
        fitted(["a"]).sequences_to_matrix([[1]], mode="onehot")
    with pytest.raises(ValueError, match="tfidf"):
        Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="tfidf")
