"""On CUDA, losses and metric updates must not wait for the GPU (the fit loop calls them every step).

torch's sync debug mode turns any synchronising call (`.item()`, data-dependent shapes, device-to-host
copies) into an error. Skipped without a GPU. Also checks that metric state follows the data from
CPU to GPU.
"""
import numpy as np
import pytest
import torch

from tkeras import losses, metrics

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


def _batch():
    g = torch.Generator(device="cuda").manual_seed(0)
    logits = torch.randn(16, 5, device="cuda", generator=g)
    labels = torch.randint(0, 5, (16,), device="cuda", generator=g)
    binary_logits = torch.randn(16, 1, device="cuda", generator=g)
    binary = (torch.rand(16, 1, device="cuda", generator=g) > 0.5).float()
    weights = torch.rand(16, device="cuda", generator=g)
    return logits, labels, binary_logits, binary, weights


def _tagged(probabilities, logits, kind):
    probabilities._keras_logits = logits
    probabilities._keras_activation = kind
    return probabilities


def _run_all(made_metrics, logits, labels, binary_logits, binary, weights):
    probs = _tagged(torch.softmax(logits, -1), logits, "softmax")
    sig = _tagged(torch.sigmoid(binary_logits), binary_logits, "sigmoid")
    one_hot = torch.nn.functional.one_hot(labels, 5).float()
    results = [
        losses.SparseCategoricalCrossentropy()(labels, probs, sample_weight=weights),
        losses.CategoricalCrossentropy(label_smoothing=0.1)(one_hot, probs),
        losses.BinaryCrossentropy()(binary, sig, sample_weight=weights),
        losses.BinaryFocalCrossentropy()(binary, sig),
        losses.MeanSquaredError()(binary, sig),
        losses.Hinge()(binary, binary_logits),
        losses.Huber()(one_hot, logits),
        losses.Dice()(one_hot, probs, sample_weight=weights),
        losses.Tversky(alpha=0.3, beta=0.7, axis=-1)(one_hot, probs, sample_weight=weights),
        losses.Circle()(labels, torch.nn.functional.normalize(logits, dim=-1), sample_weight=weights),
        losses.CategoricalGeneralizedCrossEntropy()(labels, probs, sample_weight=weights),
    ]
    for name, metric in made_metrics.items():
        if name in ("sparse", "sparse_top_k", "sparse_iou"):
            metric.update_state(labels, probs, sample_weight=weights)
        elif name in ("categorical", "top_k", "f1", "one_hot_iou", "pearson", "r2"):
            metric.update_state(one_hot, probs)
        else:
            metric.update_state(binary, sig, sample_weight=weights)
    return results


def _metrics():
    return {
        "sparse": metrics.SparseCategoricalAccuracy(), "sparse_top_k": metrics.SparseTopKCategoricalAccuracy(k=2),
        "categorical": metrics.CategoricalAccuracy(), "top_k": metrics.TopKCategoricalAccuracy(k=2),
        "binary": metrics.BinaryAccuracy(), "auc": metrics.AUC(), "pr": metrics.AUC(curve="PR"),
        "precision": metrics.Precision(), "recall": metrics.Recall(thresholds=[0.3, 0.7]),
        "tp": metrics.TruePositives(), "mse": metrics.MeanSquaredError(), "rmse": metrics.RootMeanSquaredError(),
        "bce": metrics.BinaryCrossentropy(), "mean_of_bce": metrics.MeanMetricWrapper(losses.binary_crossentropy),
        "f1": metrics.F1Score(average="weighted"), "fbeta": metrics.FBetaScore(beta=2.0, threshold=0.5),
        "sparse_iou": metrics.MeanIoU(num_classes=5, sparse_y_pred=False, dtype="float32"),
        "one_hot_iou": metrics.OneHotIoU(num_classes=5, target_class_ids=[0, 3]),
        "binary_iou": metrics.BinaryIoU(dtype="float32"), "r2": metrics.R2Score(),
        "pearson": metrics.PearsonCorrelation(),
        "concordance": metrics.ConcordanceCorrelation(), "p_at_r": metrics.PrecisionAtRecall(0.5),
        "s_at_s": metrics.SensitivityAtSpecificity(0.5, num_thresholds=1),
    }


def test_losses_and_metric_updates_do_not_synchronise():
    made = _metrics()
    batch = _batch()
    _run_all(made, *batch)  # first step: state moves to the data's device if it is not there yet
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        for _ in range(3):
            _run_all(made, *batch)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    for name, metric in made.items():
        value = metric.result()
        assert value.device.type == "cuda", name
        assert torch.isfinite(value).all(), name


def test_state_follows_data_from_cpu_to_gpu():
    metric = metrics.Mean()
    metric._follow(torch.zeros(1))  # as if it had been fed CPU data first
    metric.update_state(np.array([1.0, 3.0]))
    metric.update_state(torch.tensor([5.0], device="cuda"))
    assert metric.total.device.type == "cuda"
    np.testing.assert_allclose(float(metric.result()), 3.0)
