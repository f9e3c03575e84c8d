"""fit on a model with nothing to train reports the loss and changes nothing (Keras 3), instead of
failing in backward() on a loss that no weight contributes to."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import layers, ops


class _SquaredMeanPenalty(layers.Layer):
    """A weightless layer whose only contribution to training is an add_loss term."""

    def call(self, inputs):
        self.add_loss(ops.mean(inputs ** 2))
        return inputs


def test_a_loss_from_add_loss_alone_is_reported_per_epoch():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, _SquaredMeanPenalty()(inputs))
    model.compile(optimizer="sgd")
    x = np.full((4, 3), 2.0, "float32")
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        history = model.fit(x, epochs=2, batch_size=2, verbose=0)
    assert history.history["loss"] == pytest.approx([4.0, 4.0])  # mean(2**2), as Keras reports it


def test_a_frozen_model_keeps_its_weights_and_reports_the_loss():
    dense = layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")
    dense.trainable = False
    model = keras.Sequential([keras.Input((3,)), dense])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 1), "float32")
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        history = model.fit(x, y, epochs=1, verbose=0)
    assert history.history["loss"] == pytest.approx([9.0])  # (1+1+1 - 0)**2
    np.testing.assert_array_equal(model.get_weights()[0], np.ones((3, 1), "float32"))


def test_weights_the_loss_does_not_reach_get_a_clear_error():
    inputs = keras.Input((3,))
    dense = layers.Dense(2)
    model = keras.Model(inputs, [dense(inputs), _SquaredMeanPenalty()(inputs)])
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        model.fit(np.ones((4, 3), "float32"), epochs=1, verbose=0)
