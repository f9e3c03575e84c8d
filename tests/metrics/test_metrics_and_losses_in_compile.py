"""The metrics and losses added for issue 13 inside compile/fit/evaluate, by object and by Keras' string names,
checked against closed forms computed with NumPy on the model's own predictions."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import layers, losses, metrics

rng = np.random.default_rng(13)


def _frozen():
    """lr=0: the weights never move, so every batch of every epoch sees the same predictions."""
    return keras.optimizers.SGD(learning_rate=0.0)


def test_regression_metrics_by_string_and_object_match_closed_forms():
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x @ rng.normal(size=(3, 2)) + 0.3 * rng.normal(size=(40, 2))).astype("float32")
    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer=_frozen(), loss="mse",
                  metrics=["r2_score", "pearson_correlation", metrics.ConcordanceCorrelation(name="ccc")])
    logs = model.evaluate(x, y, batch_size=7, verbose=0, return_dict=True)
    p = model.predict(x, verbose=0)
    r2 = 1.0 - ((y - p) ** 2).sum(0) / ((y - y.mean(0)) ** 2).sum(0)
    assert logs["r2_score"] == pytest.approx(float(r2.mean()), rel=1e-4)
    yc, pc = y - y.mean(1, keepdims=True), p - p.mean(1, keepdims=True)
    pearson = (yc / yc.std(1, keepdims=True) * pc / pc.std(1, keepdims=True)).mean(1)
    assert logs["pearson_correlation"] == pytest.approx(float(pearson.mean()), rel=1e-4, abs=1e-5)
    assert set(logs) == {"loss", "r2_score", "pearson_correlation", "ccc"}


def test_classification_metrics_in_fit_equal_the_metric_fed_directly():
    x = rng.normal(size=(48, 4)).astype("float32")
    labels = (x[:, :3] + 0.5 * rng.normal(size=(48, 3))).argmax(-1)
    y = np.eye(3, dtype="float32")[labels]
    model = keras.Sequential([layers.Dense(3, activation="softmax", input_shape=(4,))])
    model.compile(optimizer=_frozen(), loss="categorical_crossentropy",
                  metrics=["f1_score", metrics.FBetaScore(beta=2.0, average="macro", name="f2"),
                           metrics.OneHotMeanIoU(num_classes=3),
                           metrics.PrecisionAtRecall(0.5, class_id=1, name="p_at_r")])
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    p = model.predict(x, verbose=0)
    predicted = p.argmax(-1)
    tp = np.array([((predicted == c) & (labels == c)).sum() for c in range(3)], dtype=float)
    fp = np.array([((predicted == c) & (labels != c)).sum() for c in range(3)], dtype=float)
    fn = np.array([((predicted != c) & (labels == c)).sum() for c in range(3)], dtype=float)
    iou = tp / (tp + fp + fn)
    assert history.history["one_hot_mean_io_u"][0] == pytest.approx(float(iou[tp + fp + fn > 0].mean()), rel=1e-5)
    # f1_score averages nothing: the log shows the mean over classes of the per-class scores
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert history.history["f1_score"][0] == pytest.approx(float(f1.mean()), rel=1e-4)
    direct = metrics.PrecisionAtRecall(0.5, class_id=1)
    direct.update_state(y, p)
    assert history.history["p_at_r"][0] == pytest.approx(float(direct.result()), rel=1e-5)


def test_dice_and_tversky_by_string_and_object_in_fit():
    x = rng.normal(size=(12, 6)).astype("float32")
    y = (rng.uniform(size=(12, 6)) > 0.5).astype("float32")
    for loss, alpha, beta in (("dice", 0.5, 0.5), (losses.Tversky(alpha=0.2, beta=0.8), 0.2, 0.8)):
        model = keras.Sequential([layers.Dense(6, activation="sigmoid", input_shape=(6,))])
        model.compile(optimizer=_frozen(), loss=loss)
        history = model.fit(x, y, batch_size=12, epochs=1, verbose=0)
        p = model.predict(x, verbose=0)
        tp, fp, fn = (y * p).sum(), ((1 - p) * y).sum(), (p * (1 - y)).sum()
        expected = 1 - tp / (tp + alpha * fp + beta * fn + 1e-7)
        assert history.history["loss"][0] == pytest.approx(float(expected), rel=1e-5)


def test_ctc_by_string_trains():
    x = rng.normal(size=(8, 10, 4)).astype("float32")
    y = rng.integers(1, 5, size=(8, 3)).astype("int32")
    y[:, -1] = 0  # padding
    model = keras.Sequential([layers.Dense(5, input_shape=(10, 4))])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="ctc")
    history = model.fit(x, y, batch_size=8, epochs=5, verbose=0)
    before = float(np.mean(losses.ctc(y, model.predict(x, verbose=0)).numpy()))
    assert np.isfinite(history.history["loss"]).all()
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(x, y, verbose=0) == pytest.approx(before, rel=1e-5)


def test_circle_and_generalized_crossentropy_objects_in_fit():
    x = rng.normal(size=(16, 5)).astype("float32")
    labels = rng.integers(0, 3, size=16).astype("int32")
    embedder = keras.Sequential([layers.Dense(4, input_shape=(5,)), layers.UnitNormalization()])
    embedder.compile(optimizer=keras.optimizers.SGD(0.1), loss=losses.Circle(gamma=8.0))
    history = embedder.fit(x, labels, batch_size=16, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    classifier = keras.Sequential([layers.Dense(3, activation="softmax", input_shape=(5,))])
    classifier.compile(optimizer=_frozen(), loss=losses.CategoricalGeneralizedCrossEntropy(q=0.7))
    loss = classifier.evaluate(x, labels, batch_size=16, verbose=0)
    p = classifier.predict(x, verbose=0)[np.arange(16), labels]
    assert loss == pytest.approx(float(((1 - p ** 0.7) / 0.7).mean()), rel=1e-5)


def test_tf_keras_reduction_constant_in_compile():
    x = rng.normal(size=(10, 3)).astype("float32")
    y = rng.normal(size=(10, 1)).astype("float32")
    model = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=_frozen(), loss=losses.MeanSquaredError(reduction=losses.Reduction.SUM))
    loss = model.evaluate(x, y, batch_size=10, verbose=0)
    assert loss == pytest.approx(float(((model.predict(x, verbose=0) - y) ** 2).sum()), rel=1e-5)
