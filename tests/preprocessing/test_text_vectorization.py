"""TextVectorization. Expected vocabularies and outputs were worked out by hand from Keras 3's rules
(count descending, ties by token descending; '' and '[UNK]' first) and agree with Keras' layer."""
import math

import numpy as np
import pytest
import torch

from tkeras.layers.preprocessing.text_vectorization import TextVectorization

CORPUS = ["The cat sat on the mat.", "The dog ate my homework!", "Don't panic"]


def test_int_mode_vocabulary_and_padding():
    layer = TextVectorization(max_tokens=10, output_sequence_length=6)
    layer.adapt(CORPUS)
    # 'the' x3; then the 1-count tokens in descending order, cut to 10 - 2 learned tokens.
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "sat", "panic", "on", "my", "mat", "homework", "dont"]
    out = layer(["the cat ate the unicorn", "dont"])
    assert out.dtype == torch.int64
    assert out.tolist() == [[2, 1, 1, 2, 1, 0], [9, 0, 0, 0, 0, 0]]


def test_int_mode_without_length_pads_to_longest_and_truncates_to_length():
    layer = TextVectorization(vocabulary=["a", "b"])
    assert layer(["a", "b a b"]).tolist() == [[2, 0, 0], [3, 2, 3]]
    cut = TextVectorization(vocabulary=["a", "b"], output_sequence_length=2)
    assert cut(["b a b"]).tolist() == [[3, 2]]


def test_multi_hot_and_count_have_unk_at_zero():
    multi = TextVectorization(output_mode="multi_hot", vocabulary=["x", "y"])
    assert multi.get_vocabulary() == ["[UNK]", "x", "y"]
    out = multi(["x z x"])
    assert out.dtype == torch.float32 and out.tolist() == [[1, 1, 0]]
    count = TextVectorization(output_mode="count", pad_to_max_tokens=True, max_tokens=5, vocabulary=["x", "y"])
    assert count(["x z x"]).tolist() == [[1, 2, 0, 0, 0]]


def test_tf_idf_with_bigrams():
    layer = TextVectorization(output_mode="tf_idf", ngrams=2)
    layer.adapt(["a b a", "b c"])
    assert layer.get_vocabulary() == ["[UNK]", "b", "a", "c", "b c", "b a", "a b"]
    idf = {"b": math.log(1 + 2 / 3), "a": math.log(2), "c": math.log(2), "b c": math.log(2),
           "b a": math.log(2), "a b": math.log(2)}
    oov_idf = np.mean(list(idf.values()))
    # "a b z" -> unigrams a, b, z(UNK) and bigrams "a b", "b z"(UNK)
    expected = [2 * oov_idf, idf["b"], idf["a"], 0, 0, 0, idf["a b"]]
    np.testing.assert_allclose(layer(["a b z"]).numpy()[0], expected, rtol=1e-6)


def test_korean_and_character_split():
    layer = TextVectorization()
    layer.adapt(["안녕하세요, 세계! 세계"])
    assert layer.get_vocabulary() == ["", "[UNK]", "세계", "안녕하세요"]
    assert layer(["세계 안녕하세요"]).tolist() == [[2, 3]]
    chars = TextVectorization(split="character")
    chars.adapt(["abca"])
    assert chars.get_vocabulary() == ["", "[UNK]", "a", "c", "b"]


def test_column_input_and_config_round_trip():
    layer = TextVectorization(max_tokens=6, output_sequence_length=3)
    layer.adapt(np.array([["red green"], ["green blue"]]))
    restored = TextVectorization.from_config(layer.get_config())
    assert restored.get_vocabulary() == layer.get_vocabulary() == ["", "[UNK]", "green", "red", "blue"]
    assert restored(np.array([["blue red"]])).tolist() == [[4, 3, 0]]


def test_is_a_layer_without_weights_trainable_as_in_keras():
    from tkeras.layers.layer import Layer
    layer = TextVectorization(vocabulary=["a"])
    # Keras 3 leaves the layer trainable (and writes trainable: true); it has no weights to train.
    assert isinstance(layer, Layer) and layer.trainable and layer.weights == [] and layer.trainable_weights == []
    config = layer.get_config()
    assert (config["trainable"], config["sparse"], config["ragged"], config["vocabulary_size"]) == (True, False, False, 3)
    assert TextVectorization().get_config()["vocabulary_size"] == 2  # the mask and OOV tokens
    legacy = TextVectorization.from_config({"name": "tv", "dtype": "string", "output_mode": "count",
                                            "vocabulary": ["a", "b"]})
    assert legacy.get_config()["dtype"] == "string"  # tf-keras 2 wrote it; counts stay float32
    np.testing.assert_array_equal(np.asarray(legacy(np.array(["a b b", "c"]))), [[0, 1, 2], [1, 0, 0]])


def test_bad_arguments():
    with pytest.raises(ValueError, match="output_mode"):
        TextVectorization(output_mode="one_hot")
    with pytest.raises(ValueError, match="output_sequence_length"):
        TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="idf_weights"):
        TextVectorization(output_mode="tf_idf", vocabulary=["a"])
    with pytest.raises(TypeError, match=r"item 1 is int"):
        TextVectorization(vocabulary=["a"])(["a", 3])
    with pytest.raises(ValueError, match="repeated"):
        TextVectorization(vocabulary=["a", "a"])


def test_the_output_is_on_the_compute_device(monkeypatch):
    """Tokenizing happens on the host; the indices must join the weights' device ('meta' stands in)."""
    import torch
    from tkeras.backend import config
    layer = TextVectorization(output_mode="int", output_sequence_length=3)
    layer.adapt(["a b c"])
    monkeypatch.setattr(config, "device", lambda: torch.device("meta"))
    assert layer(["a b"]).device.type == "meta"
