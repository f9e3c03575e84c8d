"""Keras 1/2 idioms on the model graph: K.function for intermediate outputs, and Keras 1 custom layers
that create weights with K.variable and list them in `self.trainable_weights`."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import layers
from tkeras.compat.legacy.backend import function
from tkeras.backend import learning_phase, variable


def _model():
    model = keras.Sequential()
    model.add(layers.Dense(6, input_dim=4, activation="relu"))
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(2))
    return model


def test_k_function_of_intermediate_layers_matches_numpy():
    model = _model()
    kernel, bias = model.layers[0].get_weights()
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    # Keras 2 traced each added layer at once, so layers' input/output exist before model.input is read.
    hidden = function([model.layers[0].input, learning_phase()], [model.layers[0].output])
    np.testing.assert_allclose(hidden([x, 0])[0], np.maximum(x @ kernel + bias, 0), rtol=1e-5, atol=1e-6)
    outputs = function([model.input], [layer.output for layer in model.layers])([x])
    assert [o.shape for o in outputs] == [(5, 6), (5, 6), (5, 2)]
    np.testing.assert_allclose(outputs[2], model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_k_function_learning_phase_turns_dropout_on():
    model = _model()
    x = np.ones((64, 4), "float32")
    dropped = function([model.input, learning_phase()], [model.layers[1].output])
    test_mode, train_mode = dropped([x, 0])[0], dropped([x, 1])[0]
    np.testing.assert_array_equal(test_mode, function([model.input], [model.layers[0].output])([x])[0])
    zeros = train_mode[test_mode > 0] == 0
    assert 0.3 < zeros.mean() < 0.7  # rate 0.5 in training mode
    with pytest.raises(ValueError, match="takes 2 input value"):
        dropped([x])
    with pytest.raises(TypeError, match=r"each entry of `updates` must be an update"):
        function([model.input], [model.output], updates=[("a", "b")])  # no variable to assign


class KerasOneDense(layers.Layer):
    """The Keras 1 documentation's custom layer: K.variable weights listed in trainable_weights."""

    def __init__(self, output_dim, **kwargs):
        self.output_dim = output_dim
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.W = variable(np.full((input_shape[1], self.output_dim), 0.5, "float32"), name="W")
        self.counts = variable(np.zeros(self.output_dim, "float32"), name="counts")
        self.trainable_weights = [self.W]
        self.non_trainable_weights = [self.counts]

    def call(self, x, mask=None):
        return keras.ops.matmul(x, self.W) + self.counts


def test_keras1_custom_layer_weights_listed_by_assignment_train():
    model = keras.Sequential([KerasOneDense(2, input_shape=(3,))])
    layer = model.layers[0]
    assert [w.name for w in layer.trainable_weights] == ["W"] and [w.name for w in layer.non_trainable_weights] == ["counts"]
    assert [w.shape for w in model.get_weights()] == [(3, 2), (2,)]
    x = np.ones((4, 3), "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.full((4, 2), 1.5))
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.fit(x, np.zeros((4, 2), "float32"), epochs=1, batch_size=4, verbose=0)
    # one SGD step on mse: dL/dW = 2 * 1.5 / 2 outputs * x summed over the batch mean = 1.5 per entry
    np.testing.assert_allclose(layer.W.numpy(), np.full((3, 2), 0.5 - 0.1 * 1.5), rtol=1e-5)
    np.testing.assert_array_equal(layer.counts.numpy(), [0.0, 0.0])
    with pytest.raises(TypeError, match=r"must list variables .* received ndarray at position 0"):
        layer.trainable_weights = [np.ones(2)]
