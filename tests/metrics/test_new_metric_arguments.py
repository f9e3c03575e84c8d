"""Bad arguments and inputs to the F-score, IoU, R2 and at-threshold metrics fail with one clear line
naming the metric and the argument; a few behaviours the reference cases do not reach."""
import numpy as np
import pytest
import torch

from tkeras import metrics


@pytest.mark.parametrize("kwargs, message", [
    ({"average": "mean"}, r"FBetaScore: `average` must be one of None, 'micro', 'macro', 'weighted'; "
                          r"received average='mean'"),
    ({"beta": 2}, r"FBetaScore: `beta` must be a Python float; received beta=2 of type int"),
    ({"beta": -1.0}, r"FBetaScore: `beta` must be > 0; received beta=-1.0"),
    ({"threshold": 1.5}, r"FBetaScore: `threshold` must satisfy 0 < threshold <= 1; received threshold=1.5"),
    ({"threshold": 1}, r"FBetaScore: `threshold` must be a Python float or None; received threshold=1"),
])
def test_fbeta_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.FBetaScore(**kwargs)


def test_f1_and_r2_want_two_dimensional_data():
    with pytest.raises(ValueError, match=r"F1Score expects 2-D inputs .* y_pred.shape=\(2, 2, 2\)"):
        metrics.F1Score().update_state(np.ones((2, 2, 2)), np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match=r"R2Score expects 2-D inputs .* y_true.shape=\(4,\)"):
        metrics.R2Score().update_state(np.ones(4), np.ones(4))


def test_r2_arguments():
    with pytest.raises(ValueError, match=r"R2Score: `class_aggregation` must be one of .* received "
                                         r"class_aggregation='mean'"):
        metrics.R2Score(class_aggregation="mean")
    with pytest.raises(ValueError, match=r"R2Score: `num_regressors` must be >= 0; received num_regressors=-1"):
        metrics.R2Score(num_regressors=-1)


def test_adjusted_r2_falls_back_with_a_warning_when_samples_are_too_few():
    y = np.array([[1.0], [2.0], [4.0]], dtype="float32")
    p = np.array([[1.5], [2.0], [3.0]], dtype="float32")
    plain, adjusted = metrics.R2Score(), metrics.R2Score(num_regressors=5)
    plain.update_state(y, p)
    adjusted.update_state(y, p)
    with pytest.warns(UserWarning, match="more regressors than samples"):
        value = adjusted.result()
    assert float(value) == pytest.approx(float(plain.result()))
    expected = 1 - ((y - p) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert float(plain.result()) == pytest.approx(float(expected), rel=1e-6)


def test_iou_arguments():
    with pytest.raises(ValueError, match=r"IoU: every target class id must lie in \[0, 3\); received "
                                         r"target_class_ids=\[0, 3\]"):
        metrics.IoU(num_classes=3, target_class_ids=[0, 3])
    with pytest.raises(ValueError, match=r"MeanIoU: `num_classes` must be a positive int; received num_classes=0"):
        metrics.MeanIoU(num_classes=0)


def test_iou_names_one_hot_labels_given_as_class_ids():
    with pytest.raises(ValueError, match=r"MeanIoU: y_true and y_pred must hold one class id per element; "
                                         r"received 6 and 2\. One-hot labels need sparse_y_true=False"):
        metrics.MeanIoU(num_classes=3, sparse_y_pred=False).update_state(np.eye(3)[[0, 2]], np.eye(3)[[0, 1]])


def test_iou_warns_that_float_weights_are_truncated_and_a_float_dtype_keeps_them():
    y, p, w = np.array([0, 1, 1]), np.array([0, 1, 0]), np.array([0.5, 1.5, 2.5], dtype="float32")
    truncating = metrics.MeanIoU(num_classes=2)
    with pytest.warns(UserWarning, match=r"MeanIoU: float sample weights are cast .* int32"):
        truncating.update_state(y, p, sample_weight=w)
    assert truncating.total_cm.numpy().tolist() == [[0, 0], [2, 1]]  # 0.5 -> 0, 1.5 -> 1, 2.5 -> 2
    exact = metrics.MeanIoU(num_classes=2, dtype="float32")
    exact.update_state(y, p, sample_weight=w)
    np.testing.assert_allclose(exact.total_cm.numpy(), [[0.5, 0.0], [2.5, 1.5]])


@pytest.mark.parametrize("cls, argument", [
    (metrics.PrecisionAtRecall, "recall"), (metrics.RecallAtPrecision, "precision"),
    (metrics.SensitivityAtSpecificity, "specificity"), (metrics.SpecificityAtSensitivity, "sensitivity"),
])
def test_at_threshold_arguments(cls, argument):
    with pytest.raises(ValueError, match=rf"{cls.__name__}: `{argument}` must lie in \[0, 1\]; received "
                                         rf"{argument}=1.2"):
        cls(1.2)
    with pytest.raises(ValueError, match=rf"{cls.__name__}: `num_thresholds` must be an integer > 0; "
                                         rf"received num_thresholds=0"):
        cls(0.5, num_thresholds=0)
    assert getattr(cls(0.25), argument) == 0.25


def test_at_threshold_counts_a_zero_prediction_as_negative_at_every_threshold():
    """The grid starts at 0 itself (no epsilon below it, unlike AUC): 0 is not above threshold 0."""
    metric = metrics.SensitivityAtSpecificity(0.5, num_thresholds=3)
    metric.update_state(np.array([1, 0, 1]), np.array([0.0, 0.0, 0.7], dtype="float32"))
    assert metric.true_positives.numpy().tolist() == [1.0, 1.0, 0.0]  # only 0.7 is above 0 and 0.5
    assert metric.true_negatives.numpy().tolist() == [1.0, 1.0, 1.0]
    assert float(metric.result()) == pytest.approx(0.5)


def test_f1_state_is_built_on_the_first_batch_and_reset_keeps_it():
    metric = metrics.F1Score(average="micro", threshold=0.5)
    assert metric.variables == []
    assert float(metric.result()) == 0.0
    metric.update_state(np.array([[1, 0]]), np.array([[0.9, 0.2]], dtype="float32"))
    assert [tuple(v.shape) for v in metric.variables] == [()] * 4
    assert float(metric.result()) == pytest.approx(1.0, abs=1e-6)
    metric.reset_state()
    assert all(float(v) == 0.0 for v in metric.variables)
    assert isinstance(metric.result(), torch.Tensor)


def test_f1_takes_sparse_binary_labels_for_a_single_sigmoid_column():
    y = np.array([1, 0, 1, 1])
    p = np.array([[0.9], [0.7], [0.2], [0.8]], dtype="float32")
    metric = metrics.F1Score(threshold=0.5)
    metric.update_state(y, p)
    tp, fp, fn = 2.0, 1.0, 1.0
    assert metric.result().numpy() == pytest.approx([2 * tp / (2 * tp + fp + fn)], rel=1e-5)


def test_iou_int_dtype_spelling_is_keras_int32():
    assert metrics.IoU(2, [0], dtype="int").get_config()["dtype"] == "int32"
    assert metrics.MeanIoU(2).total_cm.dtype == torch.int32


@pytest.mark.parametrize("name, message", [
    ("mean_io_u", r"The metric 'mean_io_u' cannot be made from its name alone: MeanIoU needs num_classes\. "
                  r"Pass an instance instead, e\.g\. MeanIoU\(num_classes=\.\.\.\)"),
    ("PrecisionAtRecall", r"PrecisionAtRecall needs recall\."),
])
def test_a_metric_that_needs_arguments_named_by_string_says_so(name, message):
    with pytest.raises(ValueError, match=message):
        metrics.get(name)


def test_sparse_categorical_crossentropy_ignore_class_counts_ignored_entries_as_zero():
    # Keras 3.15.1 gives 0.3054302 here: its metric reads y_pred's mask, so the ignored label still
    # counts (as a zero loss) in the mean: (0 - ln 0.5 - ln 0.8) / 3, not / 2.
    y_true = np.array([0, 1, 2])
    y_pred = np.array([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], dtype="float32")
    metric = metrics.SparseCategoricalCrossentropy(ignore_class=0)
    metric.update_state(y_true, y_pred)
    np.testing.assert_allclose(float(metric.result()), (-np.log(0.5) - np.log(0.8)) / 3, rtol=1e-6)
    assert metric.get_config() == {"name": "sparse_categorical_crossentropy", "dtype": "float32",
                                   "from_logits": False, "ignore_class": 0, "axis": -1}
    logits = np.random.RandomState(0).randn(2, 2, 3).astype("float32")
    labels = np.array([[0, 1], [1, 2]])
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    per_entry = -np.take_along_axis(log_softmax, labels[..., None], -1)[..., 0] * (labels != 1)
    metric = metrics.SparseCategoricalCrossentropy(ignore_class=1, from_logits=True)
    metric.update_state(labels, logits)
    np.testing.assert_allclose(float(metric.result()), per_entry.mean(), rtol=1e-6)


def test_mean_relative_error_takes_its_normalizer_from_a_tf_keras_config():
    config = {"name": "mean_relative_error", "dtype": "float32",
              "normalizer": {"class_name": "__numpy__", "config": {"value": [1.0, 2.0], "dtype": "float32"}}}
    for metric in (metrics.MeanRelativeError.from_config(config),
                   metrics.deserialize({"class_name": "MeanRelativeError", "config": config})):
        assert metric.get_config()["normalizer"] == [1.0, 2.0]
        metric.update_state(np.array([[1.0, 4.0]]), np.array([[2.0, 1.0]]))
        np.testing.assert_allclose(float(metric.result()), np.mean([1.0 / 1.0, 3.0 / 2.0]), rtol=1e-6)
