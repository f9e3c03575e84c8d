"""Hands-On ML ch. 17 ties an autoencoder's weights with a DenseTranspose layer whose bias is
`add_weight(name="bias", shape=self.dense.input_shape[-1], initializer="zeros")`: tf.keras 2 reads the bare
int as a vector's length. The tied decoder then computes relu(x @ W.T + b), checked here against NumPy."""
import numpy as np

import tkeras as keras


class DenseTranspose(keras.layers.Layer):
    def __init__(self, dense, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.dense = dense
        self.activation = keras.activations.get(activation)

    def build(self, batch_input_shape):
        self.biases = self.add_weight(name="bias", shape=self.dense.input_shape[-1], initializer="zeros")
        super().build(batch_input_shape)

    def call(self, inputs):
        return self.activation(keras.ops.matmul(inputs, keras.ops.transpose(self.dense.weights[0])) + self.biases)


def test_bare_int_shape_makes_a_vector_weight():
    layer = keras.layers.Layer()
    weight = layer.add_weight(name="bias", shape=7, initializer="ones")
    assert tuple(weight.shape) == (7,)
    assert tuple(layer.add_weight(name="b2", shape=np.int64(3)).shape) == (3,)


def test_tied_decoder_uses_the_encoder_kernel_transposed():
    dense = keras.layers.Dense(4, activation="relu")
    encoder = keras.Sequential([keras.Input((6,)), dense])
    decoder = keras.Sequential([keras.Input((4,)), DenseTranspose(dense)])
    x = np.random.default_rng(0).normal(size=(3, 6)).astype("float32")
    codings = np.asarray(encoder(x))
    kernel = np.asarray(dense.weights[0])
    assert tuple(decoder.layers[0].biases.shape) == (6,)
    np.testing.assert_allclose(np.asarray(decoder(codings)), codings @ kernel.T, rtol=1e-5, atol=1e-6)
