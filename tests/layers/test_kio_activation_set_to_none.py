"""`layer.activation = None` after construction, as keras-io's Grad-CAM does to drop the softmax of a
classifier: Keras' built-in layers then skip the activation, so the outputs are the logits.
"""
import numpy as np

import tkeras as keras
from tkeras import layers


def test_dense_with_activation_removed_returns_logits():
    dense = layers.Dense(3, activation="softmax")
    x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    dense(x)
    dense.activation = None
    kernel, bias = (np.asarray(w) for w in dense.get_weights())
    np.testing.assert_allclose(np.asarray(dense(x)), x @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_model_last_layer_activation_removed_predicts_logits():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="softmax")])
    model.layers[-1].activation = None
    x = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
    kernel, bias = (np.asarray(w) for w in model.get_weights())
    np.testing.assert_allclose(model.predict(x, verbose=0), x @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_custom_layer_keeps_its_own_none():
    class Custom(layers.Layer):
        def __init__(self):
            super().__init__()
            self.activation = None

        def call(self, x):
            return x if self.activation is None else self.activation(x)

    assert Custom().activation is None
