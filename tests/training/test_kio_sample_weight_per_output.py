"""Per-output sample weights given as a list: one array per output, as Keras 3 requires. A shorter list
(`fit(x, [y1, y2], sample_weight=[w1])`) is refused, naming the outputs, by the losses and the metrics
alike (Keras 3 refuses it; tkeras used to drop the second output's loss while its metrics went on
unweighted). A full list weighs each output with its own array; with a loss for some outputs only
(`loss=[None, "mse"]`) the list may, like y, hold the entries of those outputs only."""
import numpy as np
import pytest

import tkeras
from tkeras import layers

X = np.arange(12, dtype="float32").reshape(4, 3) / 10
Y1, Y2 = np.zeros((4, 2), "float32"), np.ones((4, 2), "float32")
W1, W2 = np.array([1, 0, 2, 1], "float32"), np.array([0.5, 1, 1, 3], "float32")


def _model():
    inputs = tkeras.Input((3,))
    a = layers.Dense(2, kernel_initializer="ones", name="a")(inputs)
    b = layers.Dense(2, kernel_initializer="ones", name="b")(inputs)
    return tkeras.Model(inputs, [a, b])


def _weighted_mse(target, weights):
    prediction = np.repeat(X.sum(axis=1, keepdims=True), 2, axis=1)  # ones kernel, zero bias
    per_sample = ((prediction - target) ** 2).mean(axis=1)
    return float((per_sample * weights).sum() / len(weights))


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_shorter_sample_weight_list_is_refused(method):
    model = _model()
    model.compile("sgd", loss=["mse", "mse"], weighted_metrics=[["mse"], ["mse"]])
    with pytest.raises(ValueError, match=r"sample_weight holds 1 array\(s\) but the model has 2 outputs"):
        getattr(model, method)(X, [Y1, Y2], sample_weight=[W1], verbose=0, batch_size=4)


def test_metrics_refuse_a_shorter_list_too():
    model = _model()
    model.compile("sgd", loss=["mse", "mse"], weighted_metrics=[["mse"], ["mse"]])
    predictions = model(X)
    with pytest.raises(ValueError, match="one sample_weight array per output"):
        model.compiled_metrics.update_state([Y1, Y2], predictions, [W1])


def test_full_list_weighs_each_output_with_its_own_array():
    model = _model()
    model.compile("sgd", loss=["mse", "mse"], weighted_metrics=[["mse"], ["mse"]])
    logs = model.evaluate(X, [Y1, Y2], sample_weight=[W1, W2], verbose=0, batch_size=4, return_dict=True)
    np.testing.assert_allclose(logs["a_loss"], _weighted_mse(Y1, W1), rtol=1e-5)
    np.testing.assert_allclose(logs["b_loss"], _weighted_mse(Y2, W2), rtol=1e-5)


def test_list_for_the_outputs_with_a_loss_only():
    model = _model()
    model.compile("sgd", loss=[None, "mse"])
    logs = model.evaluate(X, [Y2], sample_weight=[W2], verbose=0, batch_size=4, return_dict=True)
    np.testing.assert_allclose(logs["loss"], _weighted_mse(Y2, W2), rtol=1e-5)
