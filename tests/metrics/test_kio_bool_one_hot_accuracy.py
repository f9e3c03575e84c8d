"""Accuracy metrics on boolean one-hot targets (keras-io's addition RNN builds y with dtype=bool)."""
import numpy as np

import tkeras as keras


def _data():
    y_true = np.zeros((4, 3), dtype=bool)
    y_true[np.arange(4), [0, 2, 1, 2]] = True
    y_pred = np.array([[0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.6, 0.1, 0.3], [0.1, 0.5, 0.4]], dtype="float32")
    return y_true, y_pred


def test_categorical_accuracy_reads_bool_targets():
    y_true, y_pred = _data()
    expected = (y_true.argmax(-1) == y_pred.argmax(-1)).mean()  # 0.5
    metric = keras.metrics.CategoricalAccuracy()
    metric.update_state(y_true, y_pred)
    assert float(metric.result()) == expected == 0.5


def test_top_k_and_compiled_accuracy_with_bool_targets():
    y_true, y_pred = _data()
    top2 = keras.metrics.TopKCategoricalAccuracy(k=2)
    top2.update_state(y_true, y_pred)
    assert float(top2.result()) == 0.75  # the third sample's class ranks last
    model = keras.Sequential([keras.Input((3,)), keras.layers.Activation("softmax")])
    model.compile(loss="categorical_crossentropy", metrics=["accuracy"])
    logits = np.log(y_pred)
    loss, accuracy = model.evaluate(logits, y_true, verbose=0)
    np.testing.assert_allclose(loss, -np.log(y_pred[y_true]).mean(), rtol=1e-5)
    assert accuracy == 0.5
