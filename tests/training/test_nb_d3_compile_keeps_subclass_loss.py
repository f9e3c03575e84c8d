"""compile() without `loss=` leaves a `self.loss` the Model subclass set itself, as Keras 3 does.
Deep Learning with Python 3rd ed., chapter 17: the diffusion model sets `self.loss = MeanAbsoluteError()`
in __init__, compiles with an optimizer only, and calls `self.loss(...)` from compute_loss."""
import numpy as np

import tkeras as keras


class _OwnLossModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")
        self.loss = keras.losses.MeanAbsoluteError()

    def call(self, inputs):
        return self.dense(inputs)

    def compute_loss(self, x, y, y_pred, sample_weight=None, training=True):
        return self.loss(y, y_pred)


def test_compile_without_loss_keeps_the_subclass_loss_and_fit_uses_it():
    model = _OwnLossModel()
    own_loss = model.loss
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0))
    assert model.loss is own_loss
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], "float32")
    y = np.array([[1.0], [0.0], [4.0], [2.0]], "float32")
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    expected = np.mean(np.abs(y - x.sum(axis=1, keepdims=True)))  # kernel of ones, zero bias
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-6)


def test_compile_with_a_loss_still_sets_it():
    model = _OwnLossModel()
    model.compile(optimizer="sgd", loss="mse")
    assert model.loss == "mse"
