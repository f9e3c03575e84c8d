"""The metric names Keras 2 code compiles with come back in its spelling, as tf-keras 2.21 reports them
(recorded with /tmp/tfref: metrics_names, History keys and evaluate(return_dict=True) keys)."""
import numpy as np
import pytest

import tkeras as keras

RNG = np.random.default_rng(0)
X = RNG.random((8, 3)).astype("float32")
Y_BINARY = (RNG.random((8, 1)) > 0.5).astype("float32")
Y_ONE_HOT = np.eye(3, dtype="float32")[np.arange(8) % 3]

# (metrics, loss, units, activation) -> tf-keras 2.21's metrics_names after fit
TF_KERAS_NAMES = [
    (["acc"], "binary_crossentropy", 1, "sigmoid", ["loss", "acc"]),
    (["accuracy"], "binary_crossentropy", 1, "sigmoid", ["loss", "accuracy"]),
    (["acc", "mae", "ce"], "categorical_crossentropy", 3, "softmax", ["loss", "acc", "mae", "ce"]),
    (["mse", "mean_absolute_error", "MAE", "binary_accuracy", "crossentropy"], "binary_crossentropy", 1, "sigmoid",
     ["loss", "mse", "mean_absolute_error", "MAE", "binary_accuracy", "crossentropy"]),
]


def _fit(metrics, loss, units, activation):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(units, activation=activation)])
    model.compile("sgd", loss, metrics=metrics)
    y = Y_BINARY if units == 1 else Y_ONE_HOT
    history = model.fit(X, y, epochs=1, verbose=0, validation_data=(X, y))
    return model, history, y


@pytest.mark.parametrize("metrics, loss, units, activation, names", TF_KERAS_NAMES)
def test_names_keep_the_users_spelling(metrics, loss, units, activation, names):
    model, history, y = _fit(metrics, loss, units, activation)
    assert model.metrics_names == names
    assert list(history.history) == names + [f"val_{n}" for n in names]
    assert list(model.evaluate(X, y, verbose=0, return_dict=True)) == names


def test_ce_is_the_crossentropy_that_fits_the_output():
    """tf-keras 2.21 reports 'ce' equal to the categorical crossentropy loss on one-hot targets, and
    'crossentropy' as binary crossentropy on a one-unit sigmoid output."""
    model, _, y = _fit(["ce"], "categorical_crossentropy", 3, "softmax")
    result = model.evaluate(X, y, verbose=0, return_dict=True)
    p = np.clip(model.predict(X, verbose=0), 1e-7, 1 - 1e-7)
    expected = np.mean(-np.sum(y * np.log(p), axis=-1))
    np.testing.assert_allclose(result["ce"], expected, rtol=1e-5)
    np.testing.assert_allclose(result["ce"], result["loss"], rtol=1e-5)

    model, _, y = _fit(["crossentropy"], "mse", 1, "sigmoid")
    result = model.evaluate(X, y, verbose=0, return_dict=True)
    p = np.clip(model.predict(X, verbose=0), 1e-7, 1 - 1e-7)
    expected = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    np.testing.assert_allclose(result["crossentropy"], expected, rtol=1e-5)


def test_multi_output_names_prefix_the_output():
    inputs = keras.Input((3,))
    a = keras.layers.Dense(1, activation="sigmoid", name="a")(inputs)
    b = keras.layers.Dense(3, activation="softmax", name="b")(inputs)
    model = keras.Model(inputs, [a, b])
    model.compile("sgd", ["binary_crossentropy", "categorical_crossentropy"], metrics={"a": "acc", "b": ["accuracy", "mae"]})
    history = model.fit(X, [Y_BINARY, Y_ONE_HOT], epochs=1, verbose=0)
    assert list(history.history) == ["loss", "a_loss", "b_loss", "a_acc", "b_accuracy", "b_mae"]
