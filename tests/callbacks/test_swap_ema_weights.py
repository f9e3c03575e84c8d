"""SwapEMAWeights: evaluate/predict/validation run on the optimizer's moving averages, training on the
raw weights; checked against losses computed with NumPy from the averages themselves."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.callbacks import Callback, SwapEMAWeights

RNG = np.random.default_rng(5)
X = RNG.standard_normal((32, 3)).astype("float32")
Y = RNG.standard_normal((32, 2)).astype("float32")
XV = RNG.standard_normal((16, 3)).astype("float32")
YV = RNG.standard_normal((16, 2)).astype("float32")
START = [RNG.standard_normal((3, 2)).astype("float32"), np.array([0.5, -0.5], "float32")]


def linear_model(use_ema=True):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.set_weights(START)
    model.compile(keras.optimizers.Adam(0.05, use_ema=use_ema, ema_momentum=0.5), loss="mse")
    return model


def mse(weights, x, y):
    return float(np.mean((x @ weights[0] + weights[1] - y) ** 2))


def averages(model):
    return [a.detach().numpy().copy() for a in model.optimizer._averages]


def test_evaluate_and_predict_use_the_averages_then_restore_the_weights():
    model = linear_model()
    model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    with torch.no_grad():  # make the averages far from the weights, so a missed swap shows
        for average in model.optimizer._averages:
            average.mul_(-2.0).add_(0.3)
    raw, ema = model.get_weights(), averages(model)
    loss = model.evaluate(XV, YV, verbose=0, callbacks=[SwapEMAWeights()])
    assert loss == pytest.approx(mse(ema, XV, YV), rel=1e-5)
    assert loss != pytest.approx(mse(raw, XV, YV), rel=1e-2)
    for now, before in zip(model.get_weights(), raw):
        np.testing.assert_array_equal(now, before)
    predicted = model.predict(XV, verbose=0, callbacks=[SwapEMAWeights()])
    np.testing.assert_allclose(predicted, XV @ ema[0] + ema[1], rtol=1e-5, atol=1e-6)
    for now, before in zip(model.get_weights(), raw):
        np.testing.assert_array_equal(now, before)
    np.testing.assert_array_equal(averages(model)[0], ema[0])


class WeightProbe(Callback):
    def __init__(self):
        super().__init__()
        self.at_epoch_end, self.at_epoch_begin = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.at_epoch_begin.append(self.model.get_weights())

    def on_epoch_end(self, epoch, logs=None):
        self.at_epoch_end.append(self.model.get_weights())


def test_validation_in_fit_is_on_the_averages():
    model = linear_model()
    probe = WeightProbe()
    history = model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0, validation_data=(XV, YV),
                        callbacks=[SwapEMAWeights(), probe])
    # After fit the model holds the averages (use_ema's finalize); validation ran on the same ones.
    assert history.history["val_loss"][0] == pytest.approx(mse(model.get_weights(), XV, YV), rel=1e-5)
    raw_end = probe.at_epoch_end[0]  # swap_on_epoch=False: the raw weights are in the model at epoch end
    assert history.history["val_loss"][0] != pytest.approx(mse(raw_end, XV, YV), rel=1e-3)


def test_swap_on_epoch_leaves_training_unchanged_and_ends_on_the_averages():
    plain = linear_model()
    plain.fit(X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    swapped = linear_model()
    probe = WeightProbe()
    swapped.fit(X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                callbacks=[SwapEMAWeights(swap_on_epoch=True), probe])
    for a, b in zip(swapped.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    for a, b in zip(probe.at_epoch_end[-1], swapped.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    # between epochs the raw weights come back: epoch 2 starts elsewhere than epoch 1 ended
    assert not np.allclose(probe.at_epoch_end[0][0], probe.at_epoch_begin[1][0])


def test_without_use_ema_it_says_what_to_change():
    model = linear_model(use_ema=False)
    with pytest.raises(ValueError, match="use_ema=True.*Adam\\(use_ema=False\\)"):
        model.evaluate(XV, YV, verbose=0, callbacks=[SwapEMAWeights()])
