"""The accuracies' counting path and Mean's in-place fast paths (metrics/reduction.py) against NumPy and
against the general path they shortcut, and the cases that must keep the general path."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.metrics import reduction

RNG = np.random.default_rng(0)


def _through_general_path(metric, monkeypatch, *args, **kwargs):
    monkeypatch.setattr(reduction, "_HIT_COUNTERS", {})
    metric.update_state(*args, **kwargs)
    monkeypatch.undo()


def _state(metric):
    return float(metric.total.detach()), float(metric.count.detach())


@pytest.mark.parametrize("case", ["categorical", "sparse_int", "sparse_float_column", "binary", "binary_column",
                                  "binary_threshold"])
def test_counted_hits_match_numpy_and_the_general_path(case, monkeypatch):
    scores = RNG.normal(size=(37, 6)).astype("float32")
    labels = RNG.integers(0, 6, 37)
    if case == "categorical":
        make = keras.metrics.CategoricalAccuracy
        y_true, y_pred = np.eye(6, dtype="float32")[labels], scores
        expected = (labels == scores.argmax(1)).sum()
    elif case.startswith("sparse"):
        make = keras.metrics.SparseCategoricalAccuracy
        y_true = labels if case == "sparse_int" else labels.astype("float32")[:, None]
        y_pred = scores
        expected = (labels == scores.argmax(1)).sum()
    else:
        threshold = 0.3 if case == "binary_threshold" else 0.5
        make = lambda: keras.metrics.BinaryAccuracy(threshold=threshold)  # noqa: E731
        probabilities = RNG.random(37).astype("float32")
        targets = (RNG.random(37) < 0.5).astype("float32")
        y_pred = probabilities[:, None]
        y_true = targets[:, None] if case == "binary_column" else targets
        expected = ((probabilities > threshold) == targets).sum()
    fast, general = make(), make()
    counted = []
    real = reduction.MeanMetricWrapper._count_hits
    monkeypatch.setattr(reduction.MeanMetricWrapper, "_count_hits",
                        lambda self, *a: counted.append(real(self, *a)) or counted[-1])
    for _ in range(2):  # two batches: running sums
        fast.update_state(torch.from_numpy(np.asarray(y_true)), torch.from_numpy(y_pred))
    assert counted == [True, True]
    monkeypatch.undo()
    for _ in range(2):
        _through_general_path(general, monkeypatch, torch.from_numpy(np.asarray(y_true)), torch.from_numpy(y_pred))
    assert _state(fast) == _state(general) == (2.0 * expected, 74.0)
    assert float(fast.result()) == pytest.approx(expected / 37, abs=1e-7)


def test_general_path_where_counting_does_not_apply(monkeypatch):
    calls = []
    real = keras.metrics.categorical_accuracy
    for name, fn in (("categorical_accuracy", real),):
        counter = reduction._HIT_COUNTERS[fn]
        monkeypatch.setitem(reduction._HIT_COUNTERS, fn, lambda *a, **k: calls.append(1) or counter(*a, **k))
    metric = keras.metrics.CategoricalAccuracy()
    y_true = torch.eye(4)[torch.tensor([0, 1, 2, 3])]
    y_pred = torch.tensor([[0.9, 0.1, 0, 0], [0.9, 0.1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1.0]])
    metric.update_state(y_true, y_pred, sample_weight=torch.tensor([1.0, 0.0, 1.0, 2.0]))  # weighted
    assert calls == [] and _state(metric) == (4.0, 4.0)
    masked = y_pred.clone()
    masked._keras_mask = torch.tensor([True, True, False, True])
    metric.reset_state()
    metric.update_state(y_true, masked)
    assert calls == [] and float(metric.result()) == pytest.approx(2 / 3)
    sequences = torch.rand(2, 3, 4)  # (N, T, C): per-sample means first, by the general path
    metric.reset_state()
    metric.update_state(torch.eye(4)[torch.tensor([[0, 1, 2], [3, 3, 3]])], sequences)
    assert calls == [1] and float(metric.count) == 2.0


def test_updates_inside_a_stateless_scope_do_not_touch_the_variables():
    metric = keras.metrics.CategoricalAccuracy()
    loss_tracker = keras.metrics.Mean()
    y_true, y_pred = torch.eye(3), torch.eye(3)
    with keras.StatelessScope() as scope:
        metric.update_state(y_true, y_pred)
        loss_tracker.update_state(torch.tensor(2.0), sample_weight=4)
        loss_tracker.update_state(torch.tensor([1.0, 3.0]))
        inside = [float(scope.get_current_value(v)) for v in (metric.total, metric.count,
                                                              loss_tracker.total, loss_tracker.count)]
    assert inside == [3.0, 3.0, 12.0, 6.0]
    assert _state(metric) == (0.0, 0.0) and _state(loss_tracker) == (0.0, 0.0)


def test_mean_in_place_paths_match_numpy():
    values = RNG.normal(size=(5, 9)).astype("float32")
    mean = keras.metrics.Mean()
    for row in values:
        mean.update_state(torch.from_numpy(row))  # one value a sample, unweighted
    mean.update_state(torch.tensor(2.5), sample_weight=3)  # a batch mean weighted by its size
    total = values.astype("float64").sum() + 7.5
    assert float(mean.total) == pytest.approx(total, rel=1e-6) and float(mean.count) == 48.0
    weighted = keras.metrics.Mean()
    weighted.update_state(torch.tensor([1.0, 2.0, 4.0]), sample_weight=torch.tensor([1.0, 0.5, 0.0]))
    assert _state(weighted) == (2.0, 1.5)
