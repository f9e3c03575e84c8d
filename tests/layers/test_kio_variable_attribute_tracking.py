"""A variable assigned to a layer attribute is one of the layer's weights, as Keras tracks it.

keras-io's VQ-VAE keeps its codebook as `self.embeddings = tf.Variable(...)` in `__init__`; it must be
listed in `trainable_variables` (and so be trained) and counted by `count_params`.
"""
import numpy as np

import tkeras as keras
from tkeras import backend as K
from tkeras.compat import tf_namespace as tf


class _Codebook(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embeddings = tf.Variable(np.ones((2, 3), "float32"), trainable=True, name="codebook")

    def call(self, x):
        return tf.matmul(x, self.embeddings)


class _BuiltVariable(keras.layers.Layer):
    def build(self, input_shape):
        self.scale = keras.Variable(np.full((input_shape[-1],), 2.0, "float32"), name="scale")

    def call(self, x):
        return x * self.scale


def test_tf_variable_attribute_is_a_trained_weight():
    layer = _Codebook()
    inputs = keras.Input((2,))
    model = keras.Model(inputs, layer(inputs))
    assert [w.name for w in layer.trainable_weights] == ["codebook"]
    assert model.count_params() == 6 and len(model.trainable_variables) == 1
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    x, y = np.ones((4, 2), "float32"), np.zeros((4, 3), "float32")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    # loss = mean over 4x3 outputs of (x @ E)^2, each output 2 at E=1: dL/dE = 4 samples * 2 * 2 / 12 = 4/3.
    np.testing.assert_allclose(layer.embeddings.numpy(), np.full((2, 3), 1.0 - 0.5 * 4.0 / 3.0), rtol=1e-6)


def test_variable_made_in_build_is_a_weight():
    layer = _BuiltVariable()
    layer(np.ones((1, 3), "float32"))
    assert [w.name for w in layer.weights] == ["scale"]


def test_shared_variable_stays_with_its_owner():
    dense = keras.layers.Dense(2)
    dense.build((None, 3))
    holder = keras.layers.Layer()
    holder.kernel_alias = dense.kernel
    assert holder.weights == [] and dense.kernel.path.startswith(dense.name)


def test_keras1_listing_keeps_a_variable_frozen():
    class Old(keras.layers.Layer):
        def build(self, input_shape):
            self.W = K.variable(np.ones((input_shape[-1], 2)), name="W")
            self.M = K.variable(np.zeros((2,)), name="M")
            self.trainable_weights = [self.W]
            self.non_trainable_weights = [self.M]

        def call(self, x):
            return K.dot(x, self.W) + self.M

    layer = Old()
    layer(np.ones((1, 3), "float32"))
    assert [w.name for w in layer.trainable_weights] == ["W"]
    assert [w.name for w in layer.non_trainable_weights] == ["M"]
