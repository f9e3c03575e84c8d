"""`model.losses` after fit, evaluate and the *_on_batch methods lists the last step's added losses
(activity regularization, `add_loss` in a layer's call) with the weights' penalties, as Keras 3 on torch
does: the step reads them, it does not take them away. With a learning rate of 0 the last step's losses
are those of the last batch under the initial weights, so NumPy gives the expected values."""
import numpy as np
import pytest

import tkeras
from tkeras import ops

_X = np.arange(12, dtype="float32").reshape(4, 3) / 4
_Y = np.zeros((4, 2), "float32")


class _AddsLoss(tkeras.layers.Layer):
    def call(self, inputs):
        self.add_loss(ops.sum(inputs) * 0.001)
        return inputs


def _model():
    inputs = tkeras.Input((3,))
    hidden = tkeras.layers.Dense(2, kernel_initializer="ones", activity_regularizer=tkeras.regularizers.L2(0.1),
                                 kernel_regularizer=tkeras.regularizers.L1(0.01))(inputs)
    model = tkeras.Model(inputs, _AddsLoss()(hidden))
    model.compile(tkeras.optimizers.SGD(0.0), loss="mse")
    return model


def _expected_losses(batch):
    hidden = batch @ np.ones((3, 2), "float32")
    return sorted([0.1 * np.sum(hidden ** 2) / len(batch), 0.001 * np.sum(hidden), 0.01 * 6])


def _assert_losses(model, batch):
    np.testing.assert_allclose(sorted(float(loss) for loss in model.losses), _expected_losses(batch), rtol=1e-5)


def test_fit_leaves_the_last_steps_losses():
    model = _model()
    model.fit(_X, _Y, batch_size=3, epochs=1, shuffle=False, verbose=0)
    _assert_losses(model, _X[3:])


def test_evaluate_leaves_the_last_batchs_losses():
    model = _model()
    model.evaluate(_X[:2], _Y[:2], verbose=0)
    _assert_losses(model, _X[:2])


@pytest.mark.parametrize("method", ["train_on_batch", "test_on_batch"])
def test_on_batch_methods_leave_their_losses(method):
    model = _model()
    getattr(model, method)(_X[1:], _Y[1:])
    _assert_losses(model, _X[1:])


def test_the_next_call_replaces_them():
    model = _model()
    model.fit(_X, _Y, batch_size=4, epochs=1, verbose=0)
    model(_X[:1])
    _assert_losses(model, _X[:1])


def test_fit_counts_each_steps_losses_once():
    """Read, not taken: the step after still sees only its own forward pass's losses."""
    model = _model()
    history = model.fit(_X, _Y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    steps = [np.mean((b @ np.ones((3, 2))) ** 2) + sum(_expected_losses(b)) for b in (_X[:2], _X[2:])]
    np.testing.assert_allclose(history.history["loss"], [np.mean(steps)], rtol=1e-5)
