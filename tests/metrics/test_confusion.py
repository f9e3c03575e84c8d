"""Precision, Recall and the confusion counts against NumPy counting, across batches."""
import numpy as np
import pytest

from tkeras import metrics

rng = np.random.default_rng(11)


def np_counts(y, p, w, threshold):
    y = np.asarray(y).ravel() != 0
    above = np.asarray(p).ravel() > threshold
    w = np.ones(y.shape) if w is None else np.asarray(w, float).ravel()
    return {"tp": (w * (y & above)).sum(), "fp": (w * (~y & above)).sum(),
            "tn": (w * (~y & ~above)).sum(), "fn": (w * (y & ~above)).sum()}


def div(a, b):
    return a / b if b else 0.0


DATA = [(rng.integers(0, 2, size=10), rng.uniform(size=10).astype("float32"), rng.uniform(0, 2, size=10))
        for _ in range(3)]


@pytest.mark.parametrize("threshold", [0.5, 0.3])
def test_counts_precision_recall_over_batches_with_weights(threshold):
    made = {"tp": metrics.TruePositives(thresholds=threshold), "fp": metrics.FalsePositives(thresholds=threshold),
            "tn": metrics.TrueNegatives(thresholds=threshold), "fn": metrics.FalseNegatives(thresholds=threshold)}
    precision, recall = metrics.Precision(thresholds=threshold), metrics.Recall(thresholds=threshold)
    for y, p, w in DATA:
        for m in (*made.values(), precision, recall):
            m.update_state(y, p, sample_weight=w)
    y = np.concatenate([d[0] for d in DATA])
    p = np.concatenate([d[1] for d in DATA])
    w = np.concatenate([d[2] for d in DATA])
    expected = np_counts(y, p, w, threshold)
    for key, metric in made.items():
        result = metric.result()
        assert result.dim() == 0
        np.testing.assert_allclose(float(result), expected[key], rtol=1e-5)
    np.testing.assert_allclose(float(precision.result()), div(expected["tp"], expected["tp"] + expected["fp"]),
                               rtol=1e-5)
    np.testing.assert_allclose(float(recall.result()), div(expected["tp"], expected["tp"] + expected["fn"]),
                               rtol=1e-5)


def test_threshold_lists_give_one_result_per_threshold():
    thresholds = [0.2, 0.5, 0.9]
    precision = metrics.Precision(thresholds=thresholds)
    y, p, _ = DATA[0]
    precision.update_state(y, p)
    result = precision.result()
    assert result.shape == (3,)
    for value, t in zip(result.cpu().numpy(), thresholds):
        c = np_counts(y, p, None, t)
        np.testing.assert_allclose(value, div(c["tp"], c["tp"] + c["fp"]), rtol=1e-6)


def test_no_predicted_positives_gives_zero_not_nan():
    precision = metrics.Precision()
    precision.update_state([1, 1], [0.1, 0.2])
    assert float(precision.result()) == 0.0


def test_keras_documented_examples():
    precision = metrics.Precision()
    precision.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    np.testing.assert_allclose(float(precision.result()), 2 / 3, rtol=1e-6)
    recall = metrics.Recall()
    recall.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    np.testing.assert_allclose(float(recall.result()), 2 / 3, rtol=1e-6)


def test_top_k_and_class_id():
    y = np.array([[0, 0, 1, 1], [1, 0, 0, 0]])
    p = np.array([[0.1, 0.9, 0.8, 0.2], [0.7, 0.6, 0.65, 0.1]], dtype="float32")
    top2 = metrics.Precision(top_k=2)
    top2.update_state(y, p)
    # Row 1 keeps {1, 2}: one hit of two; row 2 keeps {0, 2}: one hit of two.
    np.testing.assert_allclose(float(top2.result()), 0.5)
    class_two = metrics.Recall(class_id=2)
    class_two.update_state(y, p)
    # Class 2 is positive only in row 1 (0.8 > 0.5): recall 1.
    np.testing.assert_allclose(float(class_two.result()), 1.0)
    class_zero = metrics.Precision(class_id=0)
    class_zero.update_state(y, p)
    np.testing.assert_allclose(float(class_zero.result()), 1.0)


def test_column_predictions_with_flat_labels_and_reset():
    recall = metrics.Recall()
    recall.update_state(np.array([1, 0, 1]), np.array([[0.9], [0.9], [0.2]], dtype="float32"))
    np.testing.assert_allclose(float(recall.result()), 0.5)
    recall.reset_state()
    assert float(recall.true_positives.numpy().sum()) == 0.0


def test_out_of_range_threshold_is_refused():
    with pytest.raises(ValueError, match=r"Precision: thresholds must lie in \[0, 1\]"):
        metrics.Precision(thresholds=1.5)
