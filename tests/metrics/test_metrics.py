"""Stateful metrics against NumPy over several update_state calls, reset, names and configs."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import losses, metrics

rng = np.random.default_rng(7)


def batches(n_batches=3, size=8, classes=4):
    out = []
    for _ in range(n_batches):
        labels = rng.integers(0, classes, size=size)
        scores = rng.uniform(size=(size, classes)).astype("float32")
        weights = rng.uniform(0, 2, size=size).astype("float32")
        out.append((labels, scores, weights))
    return out


def weighted_mean(values, weights):
    return (values * weights).sum() / weights.sum()


# -- Mean / Sum ------------------------------------------------------------------------------------
def test_mean_and_sum_over_batches_with_weights_and_reset():
    mean, total = metrics.Mean(), metrics.Sum()
    data = [(np.array([1.0, 3.0, 5.0, 7.0]), np.array([1.0, 1.0, 0.0, 0.0])), (np.array([2.0, 4.0]), None)]
    for values, weights in data:
        mean.update_state(values, sample_weight=weights)
        total.update_state(values, sample_weight=weights)
    np.testing.assert_allclose(float(mean.result()), (1 + 3 + 2 + 4) / 4)
    np.testing.assert_allclose(float(total.result()), 10.0)
    mean.reset_state()
    total.reset_states()  # Keras 2 spelling
    assert float(mean.result()) == 0.0 and float(total.result()) == 0.0
    mean.update_state(5.0)
    np.testing.assert_allclose(float(mean.result()), 5.0)


def test_mean_of_a_scalar_loss_weighted_by_batch_size():
    # What the fit loop does: loss per batch, weighted by the number of samples in it.
    tracker = metrics.Mean(name="loss")
    tracker.update_state(torch.tensor(2.0), sample_weight=3)
    tracker.update_state(torch.tensor(4.0), sample_weight=1)
    np.testing.assert_allclose(float(tracker.result()), (2 * 3 + 4 * 1) / 4)


def test_result_is_a_zero_dim_tensor_and_call_updates():
    mean = metrics.Mean()
    out = mean([1.0, 2.0])
    assert isinstance(out, torch.Tensor) and out.dim() == 0
    np.testing.assert_allclose(float(out), 1.5)
    assert [v.name for v in mean.variables] == ["total", "count"]
    assert all(not v.requires_grad for v in mean.variables)


# -- accuracy family -------------------------------------------------------------------------------
def test_sparse_categorical_accuracy_over_batches():
    metric = metrics.SparseCategoricalAccuracy()
    hits, weights_all = [], []
    for labels, scores, weights in batches():
        metric.update_state(labels.reshape(-1, 1).astype("float32"), scores, sample_weight=weights)
        hits.append(scores.argmax(-1) == labels)
        weights_all.append(weights)
    np.testing.assert_allclose(float(metric.result()),
                               weighted_mean(np.concatenate(hits), np.concatenate(weights_all)), rtol=1e-6)
    metric.reset_state()
    labels, scores, _ = batches(1)[0]
    metric.update_state(labels, scores)
    np.testing.assert_allclose(float(metric.result()), (scores.argmax(-1) == labels).mean(), rtol=1e-6)


def test_categorical_accuracy_with_integer_one_hot():
    metric = metrics.CategoricalAccuracy()
    hits = []
    for labels, scores, _ in batches():
        metric.update_state(np.eye(4, dtype="int64")[labels], scores)
        hits.append(scores.argmax(-1) == labels)
    np.testing.assert_allclose(float(metric.result()), np.concatenate(hits).mean(), rtol=1e-6)


def test_binary_accuracy_threshold_and_flat_targets():
    y = np.array([0, 1, 1, 0, 1])
    p = np.array([[0.2], [0.7], [0.5], [0.6], [0.51]], dtype="float32")
    default, strict = metrics.BinaryAccuracy(), metrics.BinaryAccuracy(threshold=0.65)
    default.update_state(y, p)
    strict.update_state(y, p)
    np.testing.assert_allclose(float(default.result()), np.mean((p[:, 0] > 0.5) == y))
    np.testing.assert_allclose(float(strict.result()), np.mean((p[:, 0] > 0.65) == y))


def test_accuracy_is_exact_equality():
    metric = metrics.Accuracy()
    metric.update_state([[1], [2], [3], [4]], [[0.0], [2.0], [3.0], [4.0]])
    np.testing.assert_allclose(float(metric.result()), 0.75)


def np_in_top_k(labels, scores, k):
    target = scores[np.arange(len(labels)), labels]
    return (scores > target[:, None]).sum(-1) < k


@pytest.mark.parametrize("k", [1, 2, 5])
def test_top_k_accuracies(k):
    sparse, dense = metrics.SparseTopKCategoricalAccuracy(k=k), metrics.TopKCategoricalAccuracy(k=k)
    hits = []
    for labels, scores, _ in batches(classes=6):
        sparse.update_state(labels, scores)
        dense.update_state(np.eye(6)[labels], scores)
        hits.append(np_in_top_k(labels, scores, k))
    expected = np.concatenate(hits).mean()
    np.testing.assert_allclose(float(sparse.result()), expected, rtol=1e-6)
    np.testing.assert_allclose(float(dense.result()), expected, rtol=1e-6)


def test_top_k_counts_ties_at_the_boundary_as_hits():
    scores = np.array([[0.5, 0.5, 0.5, 0.1]], dtype="float32")
    metric = metrics.SparseTopKCategoricalAccuracy(k=1)
    metric.update_state([2], scores)
    assert float(metric.result()) == 1.0


# -- loss-based metrics ----------------------------------------------------------------------------
def test_regression_metrics_over_batches():
    mse, mae, rmse = metrics.MeanSquaredError(), metrics.MeanAbsoluteError(), metrics.RootMeanSquaredError()
    ys, ps = [], []
    for _ in range(3):
        y = rng.normal(size=(5, 2)).astype("float32")
        p = rng.normal(size=(5, 2)).astype("float32")
        for m in (mse, mae, rmse):
            m.update_state(y, p)
        ys.append(y)
        ps.append(p)
    y, p = np.concatenate(ys), np.concatenate(ps)
    np.testing.assert_allclose(float(mse.result()), ((y - p) ** 2).mean(), rtol=1e-5)
    np.testing.assert_allclose(float(mae.result()), np.abs(y - p).mean(), rtol=1e-5)
    np.testing.assert_allclose(float(rmse.result()), np.sqrt(((y - p) ** 2).mean()), rtol=1e-5)


def test_rmse_with_weights_is_root_of_weighted_mean():
    y = np.array([[0.0], [0.0], [0.0]], dtype="float32")
    p = np.array([[1.0], [2.0], [3.0]], dtype="float32")
    w = np.array([1.0, 0.0, 1.0], dtype="float32")
    rmse = metrics.RootMeanSquaredError()
    rmse.update_state(y, p, sample_weight=w)
    np.testing.assert_allclose(float(rmse.result()), np.sqrt((1 + 9) / 2), rtol=1e-6)


def test_crossentropy_metrics_equal_the_loss_means():
    y = rng.integers(0, 2, size=(6, 1)).astype("float32")
    p = rng.uniform(0.05, 0.95, size=(6, 1)).astype("float32")
    metric = metrics.BinaryCrossentropy()
    metric.update_state(y[:3], p[:3])
    metric.update_state(y[3:], p[3:])
    np.testing.assert_allclose(float(metric.result()), float(losses.BinaryCrossentropy()(y, p)), rtol=1e-6)
    labels = np.array([0, 2, 1])
    probs = rng.uniform(0.1, 1, size=(3, 3)).astype("float32")
    cce = metrics.CategoricalCrossentropy(label_smoothing=0.1)
    cce.update_state(np.eye(3)[labels], probs)
    np.testing.assert_allclose(float(cce.result()),
                               float(losses.CategoricalCrossentropy(label_smoothing=0.1)(np.eye(3)[labels], probs)),
                               rtol=1e-6)
    assert cce.get_config()["label_smoothing"] == 0.1


def test_cosine_similarity_metric_is_positive():
    metric = metrics.CosineSimilarity()
    metric.update_state([[1.0, 0.0]], [[3.0, 0.0]])
    np.testing.assert_allclose(float(metric.result()), 1.0, rtol=1e-6)


def test_custom_function_and_masks():
    def abs_error(y_true, y_pred):
        return torch.abs(y_true - y_pred)

    metric = metrics.MeanMetricWrapper(abs_error, name="abs")
    y = torch.zeros(2, 3, 1)
    p = torch.arange(6, dtype=torch.float32).reshape(2, 3, 1)
    p._keras_mask = torch.tensor([[True, True, False], [False, False, True]])
    metric.update_state(y, p)
    # Per sample: mean over its unmasked steps weighted by how many there are: (0+1) and (5).
    np.testing.assert_allclose(float(metric.result()), (0 + 1 + 5) / 3, rtol=1e-6)


# -- resolving 'accuracy' --------------------------------------------------------------------------
@pytest.mark.parametrize("loss, shape, expected", [
    ("binary_crossentropy", (None, 3), metrics.BinaryAccuracy),
    (losses.BinaryCrossentropy(from_logits=True), (None, 3), metrics.BinaryAccuracy),
    ("mse", (None, 1), metrics.BinaryAccuracy),
    ("sparse_categorical_crossentropy", (None, 10), metrics.SparseCategoricalAccuracy),
    (losses.SparseCategoricalCrossentropy(), (None, 10), metrics.SparseCategoricalAccuracy),
    (losses.LossFunctionWrapper(losses.sparse_categorical_crossentropy), (None, 10),
     metrics.SparseCategoricalAccuracy),
    ("categorical_crossentropy", (None, 10), metrics.CategoricalAccuracy),
    (None, (None, 10), metrics.CategoricalAccuracy),
])
@pytest.mark.parametrize("name", ["accuracy", "acc"])
def test_resolve_accuracy(loss, shape, expected, name):
    metric = metrics.resolve_accuracy(name, loss, shape)
    assert type(metric) is expected and metric.name == name


def test_resolve_accuracy_uses_target_shape_for_unknown_losses():
    custom = losses.LossFunctionWrapper(lambda y, p: (y - p).abs().mean(-1))
    assert type(metrics.resolve_accuracy("acc", custom, (None, 5), target_shape=(None, 1))) is \
        metrics.SparseCategoricalAccuracy
    assert type(metrics.resolve_accuracy("acc", custom, (None, 5), target_shape=(None, 5))) is \
        metrics.CategoricalAccuracy


# -- names and configs -----------------------------------------------------------------------------
@pytest.mark.parametrize("name, cls", [
    ("mse", metrics.MeanSquaredError), ("mae", metrics.MeanAbsoluteError), ("AUC", metrics.AUC),
    ("auc", metrics.AUC), ("binary_accuracy", metrics.BinaryAccuracy), ("Precision", metrics.Precision),
    ("categorical_accuracy", metrics.CategoricalAccuracy), ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
    ("root_mean_squared_error", metrics.RootMeanSquaredError), ("binary_crossentropy", metrics.BinaryCrossentropy),
])
def test_get_by_name_gives_instances(name, cls):
    assert type(metrics.get(name)) is cls


def test_function_aliases_are_importable():
    assert metrics.mse is losses.mean_squared_error
    assert metrics.binary_accuracy(torch.tensor([[1.0]]), torch.tensor([[0.9]])).item() == 1.0
    assert keras.metrics.categorical_accuracy is metrics.categorical_accuracy


def test_unknown_metric_name_suggests():
    with pytest.raises(ValueError, match=r"Unknown metric: 'binary_acuracy'.*Did you mean 'binary_accuracy'"):
        metrics.get("binary_acuracy")


def test_config_round_trips():
    for metric in (metrics.AUC(num_thresholds=20, curve="PR", name="pr"), metrics.Precision(thresholds=[0.2, 0.6]),
                   metrics.TopKCategoricalAccuracy(k=3), metrics.BinaryAccuracy(threshold=0.3)):
        rebuilt = metrics.deserialize(metrics.serialize(metric))
        assert type(rebuilt) is type(metric) and rebuilt.get_config() == metric.get_config()


def test_wrapper_of_builtin_function_round_trips_to_the_function():
    wrapper = metrics.MeanMetricWrapper(metrics.binary_accuracy, name="ba", threshold=0.7)
    rebuilt = metrics.deserialize(metrics.serialize(wrapper))
    assert rebuilt._fn is metrics.binary_accuracy and rebuilt._fn_kwargs == {"threshold": 0.7}
    assert rebuilt.name == "ba"


def test_custom_metric_subclass_with_keras2_add_weight():
    class Counter(metrics.Metric):
        def __init__(self, name="counter", **kwargs):
            super().__init__(name=name, **kwargs)
            self.seen = self.add_weight(name="seen", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.seen.assign_add(torch.as_tensor(y_pred).shape[0])

        def result(self):
            return self.seen.detach().clone()

    counter = Counter()
    counter.update_state(None, np.zeros((4, 1)))
    counter.update_state(None, np.zeros((2, 1)))
    assert float(counter.result()) == 6.0
    counter.reset_state()
    assert float(counter.result()) == 0.0


def test_mean_of_scalars_weighted_by_python_numbers():
    # The fit loop's loss tracker path: a scalar batch loss weighted by the batch size.
    mean = metrics.Mean()
    for value, weight in ((2.0, 3), (4.0, 1), (1.5, 2.5)):
        mean.update_state(torch.tensor(value), sample_weight=weight)
    expected = (2.0 * 3 + 4.0 * 1 + 1.5 * 2.5) / (3 + 1 + 2.5)
    assert float(mean.result()) == pytest.approx(expected, rel=1e-6)
    mean.update_state(torch.tensor(7.0, dtype=torch.float64), sample_weight=1)  # other dtype: general path
    assert float(mean.result()) == pytest.approx((expected * 6.5 + 7.0) / 7.5, rel=1e-6)
