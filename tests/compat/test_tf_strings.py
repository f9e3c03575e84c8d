"""`tf.strings` against real TensorFlow 2.21 (tests/fixtures/tf_strings_reference.json, made by
make_tf_strings_reference.py), and the text it hands to TextVectorization and tf.data."""
import json
import pathlib

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

REFERENCE = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "tf_strings_reference.json").read_text(
    encoding="utf-8"))
TEXTS, PUNCTUATION, EXPECTED = REFERENCE["texts"], REFERENCE["punctuation"], REFERENCE["cases"]
strings = tf.strings


def standardize(text):
    lowered = strings.lower(text)
    return strings.regex_replace(strings.regex_replace(lowered, "<br />", " "), PUNCTUATION, "")


CALLS = {
    "lower": lambda: strings.lower(TEXTS),
    "upper": lambda: strings.upper(TEXTS),
    "strip": lambda: strings.strip(TEXTS),
    "standardize": lambda: standardize(TEXTS),
    "regex_first_only": lambda: strings.regex_replace(TEXTS[0], "e", "E", replace_global=False),
    "regex_group": lambda: strings.regex_replace("2024-05-06", r"(\d+)-(\d+)-(\d+)", r"\3/\2/\1"),
    "regex_whole_match": lambda: strings.regex_replace("ab", "[ab]", r"<\0>"),
    "regex_full_match": lambda: strings.regex_full_match(TEXTS, ".*ever.*"),
    "split_whitespace": lambda: strings.split(TEXTS[1]),
    "split_sep": lambda: strings.split("a,,b,c", sep=","),
    "split_maxsplit": lambda: strings.split("a b c d", maxsplit=2),
    "split_batch": lambda: strings.split(TEXTS),
    "unicode_split": lambda: strings.unicode_split(TEXTS[2], "UTF-8"),
    "join": lambda: strings.join([["a", "b"], ["c", "d"]], separator="-"),
    "reduce_join": lambda: strings.reduce_join(["x", "y", "z"], separator=" "),
    "reduce_join_axis": lambda: strings.reduce_join([["a", "b"], ["c", "d"]], axis=1),
    "length_bytes": lambda: strings.length(TEXTS),
    "length_chars": lambda: strings.length(TEXTS, unit="UTF8_CHAR"),
    "substr": lambda: strings.substr(TEXTS[:2], 4, 5),
    "to_number": lambda: strings.to_number(["1.5", "-2", "3e2"]),
    "to_number_int": lambda: strings.to_number(["7", "-8"], out_type=tf.int32),
    "as_string_float": lambda: strings.as_string([1.5, -0.25]),
    "as_string_precision": lambda: strings.as_string([3.14159], precision=2),
    "as_string_int": lambda: strings.as_string([3, -40]),
}


def plain(value):
    if isinstance(value, tf.RaggedTensor):  # a batch split into words: ragged, as in TensorFlow
        return [[word.decode("utf-8") for word in row] for row in value.to_list()]
    if isinstance(value, str):  # text stays str here (a string tensor's .numpy() would give bytes)
        return str(value)
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, tf.Tensor):
        return value.numpy().tolist()
    return value.item() if isinstance(value, np.generic) else value


def test_every_reference_case_has_a_call():
    assert sorted(CALLS) == sorted(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_matches_tensorflow(key):
    expected = EXPECTED[key][:2] if key == "substr" else EXPECTED[key]  # TEXTS[2]: TF cuts inside a character
    assert plain(CALLS[key]()) == expected


def test_scalars_are_python_strings_and_batches_are_arrays():
    one = strings.lower("ABC")
    assert isinstance(one, str) and one == "abc"
    many = strings.lower(np.array([b"A", b"B"]))
    assert isinstance(many, np.ndarray) and many.tolist() == ["a", "b"]
    assert strings.lower("ÇA", encoding="utf-8") == "ça"
    text = tf.constant(["a b", "c"])
    assert text.dtype.kind == "U" and tf.expand_dims(text, -1).shape == (2, 1)
    assert tf.constant("x") == "x" and tf.string == "string"
    with pytest.raises(TypeError, match=r"tf.strings.lower: expected strings, received a torch.float32 tensor"):
        strings.lower(tf.constant([1.0]))
    with pytest.raises(ValueError, match=r"tf.strings.regex_replace: invalid regular expression '\['"):
        strings.regex_replace("a", "[", "")
    with pytest.raises(AttributeError, match=r"tf.ragged.cross_hashed is not supported in tkeras"):
        tf.ragged.cross_hashed


def test_custom_standardize_and_split_in_text_vectorization_over_a_dataset():
    vectorize = keras.layers.TextVectorization(max_tokens=50, standardize=standardize, split=strings.split,
                                               output_mode="int", output_sequence_length=6)
    labels = np.array([1, 0, 1])
    ds = tf.data.Dataset.from_tensor_slices((TEXTS, labels)).batch(2)
    vectorize.adapt(ds.map(lambda text, label: text))
    assert "great" in vectorize.get_vocabulary() and "merci" in vectorize.get_vocabulary()
    # learned tokens come back all alike, as Keras' NumPy scalars (np.str_ is a str), whatever the split gave
    assert {type(token) for token in vectorize.get_vocabulary()[2:]} == {np.str_}
    ids, y = next(iter(ds.map(lambda text, label: (vectorize(tf.expand_dims(text, -1)), label))))
    vocabulary = vectorize.get_vocabulary()
    assert [vocabulary[i] for i in ids.numpy()[1] if i] == ["worst", "film", "ever"]
    assert y.numpy().tolist() == [1, 0]


def test_text_answers_numpy_with_utf8_bytes_as_tensorflow_does():
    ds = tf.data.Dataset.from_tensor_slices((["Héllo there", "b c"], [1, 0]))
    text, label = next(iter(ds))
    assert text == "Héllo there" and text.numpy() == "Héllo there".encode("utf-8") and int(label) == 1
    batch, _ = next(iter(ds.batch(2)))
    assert batch.numpy().tolist() == ["Héllo there".encode("utf-8"), b"b c"]
    assert batch[1].numpy().decode("utf-8") == "b c" and batch.shape == (2,)
    assert strings.reduce_join(["a", "b"], separator="-").numpy().decode("utf-8") == "a-b"
    assert strings.split("x y").numpy().tolist() == [b"x", b"y"]
    assert tf.constant([["q"]]).numpy().tolist() == [[b"q"]]
