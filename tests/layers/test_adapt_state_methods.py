"""is_adapted / update_state / reset_state / finalize_state on the built-in adapt layers.

Expected booleans come from tf-keras 2.21 (run once by hand, written here as literals): is_adapted is
False on a fresh layer, True after adapt(), False after reset_state(), False when the statistics or
vocabulary were given to the constructor, and stays False after update_state + finalize_state by hand.
reset_state() leaves the outputs unchanged until the next finalize_state()/adapt() (also tf-keras 2.21).
"""
import numpy as np
import pytest

from tkeras import layers

NUMBERS = np.array([[0.], [1.], [2.], [3.], [4.], [10.]], dtype="float32")
STRINGS = np.array([["a"], ["b"], ["b"], ["c"], ["c"], ["c"]])
INTEGERS = np.array([[1], [2], [2], [3], [3], [3]])
TEXTS = np.array(["a b", "b c", "c c"])

CASES = {
    "normalization": (lambda: layers.Normalization(), NUMBERS, (NUMBERS[:3], NUMBERS[3:])),
    "discretization": (lambda: layers.Discretization(num_bins=3), NUMBERS, (NUMBERS[:3], NUMBERS[3:])),
    "string_lookup": (lambda: layers.StringLookup(), STRINGS, (STRINGS[:3], STRINGS[3:])),
    "integer_lookup": (lambda: layers.IntegerLookup(), INTEGERS, (INTEGERS[:3], INTEGERS[3:])),
    "text_vectorization": (lambda: layers.TextVectorization(), TEXTS, (TEXTS[:1], TEXTS[1:])),
    "string_lookup_tf_idf": (lambda: layers.StringLookup(output_mode="tf_idf"),
                             np.array([["a", "b"], ["b", "c"], ["c", "c"]]), None),
    "text_vectorization_tf_idf": (lambda: layers.TextVectorization(output_mode="tf_idf"), TEXTS,
                                  (TEXTS[:2], TEXTS[2:])),
}

# From tf-keras 2.21: outputs on the adapt data itself.
TF_KERAS_OUTPUTS = {
    "normalization": [[-1.0259782], [-0.7181848], [-0.4103913], [-0.1025978], [0.2051957], [2.0519567]],
    "discretization": [[0], [1], [1], [2], [2], [2]],
    "string_lookup": [[3], [2], [2], [1], [1], [1]],
    "integer_lookup": [[3], [2], [2], [1], [1], [1]],
    "text_vectorization": [[4, 3], [3, 2], [2, 2]],
}


def _out(layer, data):
    return np.asarray(layer(data))


@pytest.mark.parametrize("name", sorted(CASES))
def test_is_adapted_lifecycle_and_reset_keeps_outputs(name):
    make, data, _ = CASES[name]
    layer = make()
    assert layer.is_adapted is False          # tf-keras 2.21: False
    layer.adapt(data)
    assert layer.is_adapted is True           # tf-keras 2.21: True
    before = _out(layer, data)
    if name in TF_KERAS_OUTPUTS:
        np.testing.assert_allclose(before, TF_KERAS_OUTPUTS[name], rtol=1e-5, atol=1e-6)
    layer.reset_state()
    assert layer.is_adapted is False          # tf-keras 2.21: False
    np.testing.assert_allclose(_out(layer, data), before)  # tf-keras 2.21: unchanged until finalize


@pytest.mark.parametrize("name", sorted(CASES))
def test_update_state_in_chunks_then_finalize_equals_adapt(name):
    make, data, chunks = CASES[name]
    if chunks is None:
        chunks = (data[:1], data[1:])
    reference = make()
    reference.adapt(data)
    layer = make()
    for chunk in chunks:
        layer.update_state(chunk)
    assert layer.is_adapted is False          # tf-keras 2.21: False (only adapt() sets it)
    layer.finalize_state()
    assert layer.is_adapted is False          # tf-keras 2.21: False
    np.testing.assert_allclose(_out(layer, data), _out(reference, data), rtol=1e-6)
    if hasattr(layer, "get_vocabulary"):
        assert layer.get_vocabulary() == reference.get_vocabulary()


def test_adapt_after_update_state_starts_over():
    layer = layers.Normalization()
    layer.update_state(np.full((4, 1), 100.0))
    layer.adapt(NUMBERS)
    reference = layers.Normalization()
    reference.adapt(NUMBERS)
    np.testing.assert_allclose(_out(layer, NUMBERS), _out(reference, NUMBERS))


def test_finalize_without_update_keeps_state():
    layer = layers.StringLookup()
    layer.adapt(STRINGS)
    layer.reset_state()
    layer.finalize_state()
    assert layer.get_vocabulary() == ["[UNK]", "c", "b", "a"]


@pytest.mark.parametrize("make", [
    lambda: layers.Normalization(mean=1.0, variance=2.0),
    lambda: layers.Discretization(bin_boundaries=[1.0]),
    lambda: layers.StringLookup(vocabulary=["a"]),
    lambda: layers.IntegerLookup(vocabulary=[1]),
    lambda: layers.TextVectorization(vocabulary=["a"]),
])
def test_given_state_is_not_adapted(make):
    layer = make()
    assert layer.is_adapted is False          # tf-keras 2.21: False
    layer.reset_state()                       # tf-keras 2.21: allowed, no error
    assert layer.is_adapted is False


def test_set_vocabulary_is_not_adapted():
    layer = layers.StringLookup()
    layer.set_vocabulary(["a"])
    assert layer.is_adapted is False          # tf-keras 2.21: False


@pytest.mark.parametrize("make, data", [
    (lambda: layers.Normalization(mean=1.0, variance=2.0), NUMBERS),
    (lambda: layers.Discretization(bin_boundaries=[1.0]), NUMBERS),
])
def test_update_state_refused_with_given_statistics(make, data):
    with pytest.raises(ValueError):
        make().update_state(data)
