"""Arguments Keras 3 has and tkeras lacked: SparseTopK's from_sorted_ids, and the explicit parameter
lists of the crossentropy and cosine metrics. Expected values are Keras 3.15.1's, recorded by
tests/fixtures/record_signature_debt_reference.py into signature_debt_reference.json.
"""
import inspect
import json
import os

import numpy as np
import pytest

import tkeras as keras

REFERENCE = json.load(open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                        "fixtures", "signature_debt_reference.json")))


@pytest.mark.parametrize("case", REFERENCE["sparse_top_k_sorted"], ids=lambda c: f"k{c['k']}")
def test_sorted_ids_function_matches_keras(case):
    result = keras.metrics.sparse_top_k_categorical_accuracy(case["y_true"], case["y_pred"], k=case["k"],
                                                             from_sorted_ids=True)
    np.testing.assert_array_equal(np.asarray(result), np.asarray(case["result"], "float32"))


def test_sorted_ids_metric_weighted_and_config():
    metric = keras.metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True)
    metric.update_state([2, 1], [[1, 0, 3], [1, 2, 3]], sample_weight=[0.7, 0.3])
    assert float(metric.result()) == pytest.approx(REFERENCE["sorted_weighted"], abs=1e-6)
    assert metric.get_config() == REFERENCE["sorted_config"]
    assert keras.metrics.SparseTopKCategoricalAccuracy(k=2).get_config() == REFERENCE["unsorted_config"]
    again = keras.metrics.SparseTopKCategoricalAccuracy.from_config(metric.get_config())
    assert again.from_sorted_ids is True and again.k == 1


def test_sorted_ids_agree_with_scores_ranked_by_hand():
    """The same question asked two ways: scores, or the ids those scores rank first."""
    rng = np.random.default_rng(0)
    scores = rng.random((16, 10)).astype("float32")
    labels = rng.integers(0, 10, 16)
    ranked = np.argsort(-scores, axis=1)
    for k in (1, 3, 10):
        by_scores = keras.metrics.sparse_top_k_categorical_accuracy(labels, scores, k=k)
        by_ids = keras.metrics.sparse_top_k_categorical_accuracy(labels, ranked, k=k, from_sorted_ids=True)
        expected = [float(labels[i] in ranked[i, :k]) for i in range(16)]
        np.testing.assert_array_equal(np.asarray(by_ids), expected)
        np.testing.assert_array_equal(np.asarray(by_scores), expected)


def test_sorted_ids_bad_input_names_the_argument():
    fn = keras.metrics.sparse_top_k_categorical_accuracy
    with pytest.raises(TypeError, match="from_sorted_ids"):
        fn([1], [[1, 2]], from_sorted_ids="yes")
    with pytest.raises(TypeError, match="from_sorted_ids"):
        keras.metrics.SparseTopKCategoricalAccuracy(from_sorted_ids=1)
    with pytest.raises(ValueError, match="`k`"):
        fn([1], [[1, 2]], k=0, from_sorted_ids=True)
    with pytest.raises(ValueError, match="y_pred"):
        fn([1, 2], [1, 2], from_sorted_ids=True)
    with pytest.raises(ValueError, match="y_true"):
        fn([1, 2, 3], [[1, 2], [2, 1]], from_sorted_ids=True)


@pytest.mark.parametrize("key", sorted(REFERENCE["crossentropy"]))
def test_crossentropy_metrics_with_keras_arguments(key):
    case = REFERENCE["crossentropy"][key]
    metric = getattr(keras.metrics, key.split("_")[0])(**case["kwargs"])
    metric.update_state(np.asarray(case["y_true"]), np.asarray(case["y_pred"]))
    assert float(metric.result()) == pytest.approx(case["result"], rel=1e-5)


@pytest.mark.parametrize("name", sorted(REFERENCE["positional_config"]))
def test_positional_arguments_in_keras_order(name):
    case = REFERENCE["positional_config"][name]
    cls = getattr(keras.metrics, name)
    config = cls(*case["args"]).get_config()
    for key, value in case["config"].items():  # tkeras may write more keys (axis for CosineSimilarity)
        assert config[key] == value, key
    keras3 = json.load(open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                         "fixtures", "keras_names", "keras3.json")))["namespaces"]["keras.metrics"]
    assert [p[0] for p in keras3[name]["params"]] == list(inspect.signature(cls).parameters)


@pytest.mark.parametrize("cls, kwargs, argument", [
    (keras.metrics.BinaryCrossentropy, {"from_logits": "no"}, "from_logits"),
    (keras.metrics.BinaryCrossentropy, {"label_smoothing": 1.5}, "label_smoothing"),
    (keras.metrics.CategoricalCrossentropy, {"axis": "last"}, "axis"),
    (keras.metrics.SparseCategoricalCrossentropy, {"ignore_class": 1.5}, "ignore_class"),
    (keras.metrics.CosineSimilarity, {"axis": None}, "axis"),
])
def test_bad_arguments_name_themselves(cls, kwargs, argument):
    with pytest.raises((TypeError, ValueError), match=argument):
        cls(**kwargs)
    with pytest.raises(TypeError):
        cls(no_such_argument=1)
