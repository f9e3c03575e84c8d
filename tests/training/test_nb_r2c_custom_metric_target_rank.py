"""Hands-On ML (2nd and 3rd ed., chapter 12) writes a streaming HuberMetric that computes
`y_true - y_pred` itself and trains on (N,) targets with a (N, 1) output. tf-keras 2 gives compiled
metrics the targets as (N, 1) in that case, so the metric equals the Huber loss (the book's recorded
output; tf-keras 2.21 prints `loss: 1.3505 - huber_metric_1: 1.3505`). Keras 3 passes (N,) and the
metric broadcasts to an (N, N) error matrix; tkeras follows tf-keras 2 here."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def _huber(threshold):
    def huber_fn(y_true, y_pred):
        error = y_true - y_pred
        small = tf.abs(error) < threshold
        return tf.where(small, tf.square(error) / 2, threshold * tf.abs(error) - threshold ** 2 / 2)
    return huber_fn


class HuberMetric(keras.metrics.Metric):
    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)
        self.huber_fn = _huber(threshold)
        self.total = self.add_weight(name="total", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.total.assign_add(tf.reduce_sum(self.huber_fn(y_true, y_pred)))
        self.count.assign_add(tf.cast(tf.size(y_true), tf.float32))

    def result(self):
        return self.total / self.count


def test_custom_metric_sees_column_targets_and_equals_the_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype("float32")
    y = (rng.normal(size=(64,)) + 2).astype("float32")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(loss=keras.losses.Huber(2.0), optimizer="sgd", metrics=[HuberMetric(2.0, name="huber")])
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    results = model.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
    np.testing.assert_allclose(results["huber"], results["loss"], rtol=1e-5)
    prediction = np.asarray(model.predict(x, verbose=0))
    error = y[:, None] - prediction
    closed_form = np.where(np.abs(error) < 2.0, error ** 2 / 2, 2.0 * np.abs(error) - 2.0)
    np.testing.assert_allclose(results["huber"], closed_form.mean(), rtol=1e-5)


def test_sparse_labels_stay_rank_one_for_class_scores():
    """Deep Learning with Python's RMSE metric one-hot encodes `y_true` against (N, C) predictions: its
    labels must arrive as (N,), as in Keras 3 (tf-keras 2's (N, 1) made the one-hot (N, 1, C))."""
    import tkeras as keras

    seen = []

    class LabelShape(keras.metrics.Metric):
        def __init__(self, name="label_shape", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_weight(name="total", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            seen.append(tuple(y_true.shape))

        def result(self):
            return self.total

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=[LabelShape()])
    model.fit(np.ones((6, 3), "float32"), np.arange(6) % 4, batch_size=6, epochs=1, verbose=0)
    assert seen == [(6,)]
