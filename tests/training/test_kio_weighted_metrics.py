"""compile(metrics=...) ignores sample and class weights; compile(weighted_metrics=...) applies them
(keras-io guides/training_with_built_in_methods.py, custom_train_step_in_tensorflow.py). Keras 2 and 3
agree on this and on the `weighted_` prefix for a name both lists use."""
import numpy as np

import tkeras as keras

X = np.ones((4, 1), "float32")
Y = np.array([[1.0], [2.0], [3.0], [4.0]], "float32")
W = np.array([1.0, 0.0, 0.0, 3.0], "float32")
ERR = np.abs(Y[:, 0])  # the model below predicts 0 everywhere
PLAIN_MAE = float(ERR.mean())
WEIGHTED_MAE = float((ERR * W).sum() / W.sum())
WEIGHTED_MSE = float((ERR ** 2 * W).sum() / W.sum())


def _zero_model(outputs=1):
    inputs = keras.Input(shape=(1,), name="i")
    heads = [keras.layers.Dense(1, name=n)(inputs) for n in "ab"[:outputs]]
    model = keras.Model(inputs, heads if outputs > 1 else heads[0])
    return model


def _zeroed(model):
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    return model


def test_plain_metrics_ignore_sample_weight_and_weighted_ones_apply_it():
    model = _zero_model()
    model.compile(loss="mae", metrics=["mae"], weighted_metrics=["mae", "mse"])
    logs = _zeroed(model).evaluate(X, Y, sample_weight=W, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae", "weighted_mae", "mse"]
    np.testing.assert_allclose(
        [logs["loss"], logs["mae"], logs["weighted_mae"], logs["mse"]],
        [WEIGHTED_MAE, PLAIN_MAE, WEIGHTED_MAE, WEIGHTED_MSE], rtol=1e-6)


def test_without_sample_weight_weighted_metrics_are_plain_averages():
    model = _zero_model()
    model.compile(loss="mae", weighted_metrics=["mae"])
    logs = _zeroed(model).evaluate(X, Y, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["mae"], PLAIN_MAE, rtol=1e-6)


def test_class_weight_leaves_plain_metrics_unweighted():
    x = np.array([[1.0], [-1.0], [1.0], [-1.0]], "float32")
    y = np.array([1, 0, 0, 0], "float32")[:, None]
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="binary_crossentropy",
                  metrics=["accuracy"], weighted_metrics=[keras.metrics.BinaryAccuracy(name="wacc")])
    model.set_weights([np.array([[5.0]], "float32"), np.zeros(1, "float32")])  # predicts x > 0
    history = model.fit(x, y, class_weight={0: 1.0, 1: 5.0}, epochs=1, batch_size=4, verbose=0)
    correct = np.array([1, 1, 0, 1], "float32")  # sample 2 (x=1, y=0) is wrong
    weights = np.array([5.0, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(history.history["accuracy"][0], correct.mean(), rtol=1e-6)
    np.testing.assert_allclose(history.history["wacc"][0], (correct * weights).sum() / weights.sum(), rtol=1e-6)


def test_multi_output_names_and_values():
    model = _zero_model(outputs=2)
    model.compile(loss="mae", metrics=[["mae"], ["mae"]], weighted_metrics=[["mse"], ["mae"]])
    logs = _zeroed(model).evaluate(X, [Y, 2 * Y], sample_weight=W, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "a_loss", "b_loss", "a_mae", "a_mse", "b_mae", "b_weighted_mae"]
    np.testing.assert_allclose(
        [logs["a_mae"], logs["a_mse"], logs["b_mae"], logs["b_weighted_mae"]],
        [PLAIN_MAE, WEIGHTED_MSE, 2 * PLAIN_MAE, 2 * WEIGHTED_MAE], rtol=1e-6)


def test_weighted_metrics_survive_a_keras_file(tmp_path):
    model = _zero_model()
    model.compile(loss="mae", metrics=["mae"], weighted_metrics=["mae"])
    path = str(tmp_path / "weighted.keras")
    _zeroed(model).save(path)
    loaded = keras.models.load_model(path)
    logs = loaded.evaluate(X, Y, sample_weight=W, verbose=0, return_dict=True)
    np.testing.assert_allclose([logs["mae"], logs["weighted_mae"]], [PLAIN_MAE, WEIGHTED_MAE], rtol=1e-6)
