"""AUC against a NumPy re-implementation of Keras' algorithm, and against the exact ROC AUC."""
import numpy as np
import pytest
import torch

from tkeras import metrics

EPS = 1e-7


def keras_thresholds(num_thresholds):
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return np.array([-EPS] + inner + [1 + EPS])


def np_counts(y, p, w, thresholds):
    """Weighted confusion counts per threshold, predictions positive when strictly above (naive loop)."""
    y = (np.asarray(y).ravel() != 0).astype(float)
    p = np.clip(np.asarray(p, dtype=float).ravel(), 0, 1)
    w = np.ones_like(p) if w is None else np.broadcast_to(np.asarray(w, float).reshape(-1, 1),
                                                          np.asarray(p).reshape(len(w), -1).shape).ravel()
    tp, fp, tn, fn = [], [], [], []
    for t in thresholds:
        above = p > t
        tp.append((w * y * above).sum())
        fp.append((w * (1 - y) * above).sum())
        tn.append((w * (1 - y) * ~above).sum())
        fn.append((w * y * ~above).sum())
    return [np.array(c) for c in (tp, fp, tn, fn)]


def div(a, b):
    return np.where(b != 0, a / np.where(b != 0, b, 1), 0.0)


def np_keras_auc(tp, fp, tn, fn, curve="ROC", summation="interpolation"):
    if curve == "PR" and summation == "interpolation":
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0), div(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return div(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0)).sum()
    recall = div(tp, tp + fn)
    if curve == "ROC":
        x, y = div(fp, fp + tn), recall
    else:
        x, y = recall, div(tp, tp + fp)
    heights = {"interpolation": (y[:-1] + y[1:]) / 2, "minoring": np.minimum(y[:-1], y[1:]),
               "majoring": np.maximum(y[:-1], y[1:])}[summation]
    return ((x[:-1] - x[1:]) * heights).sum()


def exact_roc_auc(y, p):
    """P(score of a random positive > score of a random negative), ties counting half."""
    pos, neg = p[y == 1], p[y == 0]
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return (greater + 0.5 * ties) / (len(pos) * len(neg))


rng = np.random.default_rng(3)
BATCHES = []
for _ in range(3):
    y = rng.integers(0, 2, size=40)
    p = np.clip(0.35 * y + rng.uniform(0, 0.65, size=40), 0, 1).astype("float32")
    BATCHES.append((y, p))
BATCHES[0][1][:3] = [0.0, 1.0, 0.5]  # the edges and an exact threshold


@pytest.mark.parametrize("curve, summation", [("ROC", "interpolation"), ("ROC", "minoring"), ("ROC", "majoring"),
                                              ("PR", "interpolation"), ("PR", "majoring")])
@pytest.mark.parametrize("num_thresholds", [200, 7])
def test_matches_keras_algorithm_over_batches(curve, summation, num_thresholds):
    auc = metrics.AUC(num_thresholds=num_thresholds, curve=curve, summation_method=summation)
    for y, p in BATCHES:
        auc.update_state(y, p)
    ys = np.concatenate([b[0] for b in BATCHES])
    ps = np.concatenate([b[1] for b in BATCHES])
    counts = np_counts(ys, ps, None, keras_thresholds(num_thresholds))
    np.testing.assert_allclose(auc.true_positives.numpy(), counts[0])
    np.testing.assert_allclose(auc.false_negatives.numpy(), counts[3])
    result = auc.result()
    assert result.dim() == 0
    np.testing.assert_allclose(float(result), np_keras_auc(*counts, curve, summation), rtol=1e-5)


def test_close_to_exact_roc_auc():
    y = rng.integers(0, 2, size=500)
    p = np.clip(0.3 * y + rng.uniform(0, 0.7, size=500), 0, 1).astype("float32")
    auc = metrics.AUC()
    auc.update_state(y, p)
    assert abs(float(auc.result()) - exact_roc_auc(y, p)) < 5e-3


def test_keras_documented_example():
    auc = metrics.AUC(num_thresholds=3)
    auc.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    # thresholds [-eps, 0.5, 1+eps]: tp [2, 1, 0], fp [2, 0, 0] -> trapezoids give 0.75
    np.testing.assert_allclose(auc.true_positives.numpy(), [2, 1, 0])
    np.testing.assert_allclose(float(auc.result()), 0.75)


def test_perfect_and_reversed_rankings():
    y = np.array([0, 0, 1, 1])
    perfect, reversed_ = metrics.AUC(), metrics.AUC()
    perfect.update_state(y, [0.1, 0.2, 0.8, 0.9])
    reversed_.update_state(y, [0.9, 0.8, 0.2, 0.1])
    np.testing.assert_allclose(float(perfect.result()), 1.0, atol=1e-6)
    np.testing.assert_allclose(float(reversed_.result()), 0.0, atol=1e-6)


def test_sample_weights_and_reset():
    y, p = BATCHES[1]
    w = rng.uniform(0, 2, size=len(y))
    auc = metrics.AUC(num_thresholds=50)
    auc.update_state(y, p, sample_weight=w)
    counts = np_counts(y, p, w, keras_thresholds(50))
    np.testing.assert_allclose(float(auc.result()), np_keras_auc(*counts), rtol=1e-5)
    auc.reset_state()
    assert float(auc.true_positives.numpy().sum()) == 0.0 and float(auc.result()) == 0.0


def test_uneven_user_thresholds_use_the_comparison_path():
    thresholds = [0.1, 0.25, 0.7]
    auc = metrics.AUC(thresholds=thresholds)
    y, p = BATCHES[2]
    auc.update_state(y, p)
    counts = np_counts(y, p, None, np.array([-EPS] + thresholds + [1 + EPS]))
    np.testing.assert_allclose(float(auc.result()), np_keras_auc(*counts), rtol=1e-5)
    assert auc.get_config()["thresholds"] == thresholds


def test_from_logits_applies_sigmoid():
    y, p = BATCHES[0]
    logits = np.log(np.clip(p, 1e-4, 1 - 1e-4) / (1 - np.clip(p, 1e-4, 1 - 1e-4)))
    a, b = metrics.AUC(from_logits=True), metrics.AUC()
    a.update_state(y, logits.astype("float32"))
    b.update_state(y, torch.sigmoid(torch.tensor(logits, dtype=torch.float32)))
    np.testing.assert_allclose(float(a.result()), float(b.result()), rtol=1e-6)


def test_multi_label_averages_per_label_areas():
    y = np.stack([BATCHES[0][0], BATCHES[1][0]], axis=1)
    p = np.stack([BATCHES[0][1], BATCHES[1][1]], axis=1)
    auc = metrics.AUC(multi_label=True, num_thresholds=30)
    auc.update_state(y, p)
    per_label = [np_keras_auc(*np_counts(y[:, i], p[:, i], None, keras_thresholds(30))) for i in range(2)]
    np.testing.assert_allclose(float(auc.result()), np.mean(per_label), rtol=1e-5)


def test_bad_curve_suggests():
    with pytest.raises(ValueError, match="Did you mean 'roc'"):
        metrics.AUC(curve="ROCC")
