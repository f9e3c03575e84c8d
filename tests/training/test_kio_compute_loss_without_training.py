"""A `compute_loss` override with the pre-Keras-3.3 signature (x, y, y_pred, sample_weight), as the
keras-io migration guide writes one, still works in evaluate(): Keras hands it `training=` only when
its signature has room for it.

Closed form: Dense(1, kernel=ones, bias=zeros) gives each row's sum; the loss is the batch sum of the
squared errors, computed here with NumPy.
"""
import numpy as np

import tkeras as keras


class _SumOfSquaresModel(keras.Model):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        return keras.ops.sum(keras.losses.mean_squared_error(y, y_pred))


class _WithTrainingModel(keras.Model):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        self.seen_training = training
        return keras.ops.sum(keras.losses.mean_squared_error(y, y_pred))


def _data():
    x = np.arange(12, dtype="float32").reshape(4, 3) / 10
    y = np.ones((4, 1), "float32")
    expected = float(np.sum((x.sum(axis=1, keepdims=True) - y) ** 2))
    return x, y, expected


def _build(model_class):
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(1, kernel_initializer="ones")(inputs)
    model = model_class(inputs, outputs)
    model.compile(optimizer="sgd")
    return model


def test_evaluate_calls_compute_loss_without_training_argument():
    x, y, expected = _data()
    model = _build(_SumOfSquaresModel)
    loss = model.evaluate(x, y, batch_size=4, verbose=0)
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_evaluate_passes_training_false_when_accepted():
    x, y, expected = _data()
    model = _build(_WithTrainingModel)
    loss = model.evaluate(x, y, batch_size=4, verbose=0)
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
    assert model.seen_training is False
