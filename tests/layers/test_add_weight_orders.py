"""`add_weight` called positionally in each era's order: Keras 1.2 (shape, initializer, name, trainable,
regularizer, constraint), Keras 2 / tf-keras (name, shape, dtype, initializer, regularizer, trainable,
constraint) and Keras 3 (shape, initializer, dtype)."""
import numpy as np
import pytest
import torch

import tkeras as keras

X = np.arange(6, dtype="float32").reshape(2, 3)


def _layer(build):
    class Custom(keras.layers.Layer):
        def build(self, input_shape):
            build(self, input_shape)

        def call(self, inputs):
            return inputs @ self.kernel + self.bias

    return Custom()


def test_keras1_order_shape_initializer_name_trainable():
    def build(layer, input_shape):
        layer.kernel = layer.add_weight((input_shape[-1], 2), "one", "{}_W".format(layer.name))
        layer.bias = layer.add_weight((2,), "zero", "{}_b".format(layer.name), False, keras.regularizers.l2(0.5))

    layer = _layer(build)
    np.testing.assert_allclose(np.asarray(layer(X)), X.sum(axis=1, keepdims=True).repeat(2, axis=1))
    assert [w.name for w in layer.weights] == [f"{layer.name}_W", f"{layer.name}_b"]
    assert [w.trainable for w in layer.weights] == [True, False]
    assert layer.bias.regularizer is not None


def test_keras3_order_shape_initializer_dtype():
    def build(layer, input_shape):
        layer.kernel = layer.add_weight((input_shape[-1], 2), "ones", "float64", name="kernel")
        layer.bias = layer.add_weight((2,), "zeros")

    layer = _layer(build)
    layer.build((None, 3))
    assert layer.kernel.dtype == torch.float64 and tuple(layer.kernel.shape) == (3, 2)
    assert layer.bias.dtype == torch.float32
    np.testing.assert_array_equal(layer.kernel.numpy(), np.ones((3, 2)))


def test_keras2_order_name_shape_dtype_initializer():
    def build(layer, input_shape):
        layer.kernel = layer.add_weight("kernel", (input_shape[-1], 2), "float32", "ones")
        layer.bias = layer.add_weight("bias", (2,), None, "zeros", None, False)

    layer = _layer(build)
    np.testing.assert_allclose(np.asarray(layer(X)), X.sum(axis=1, keepdims=True).repeat(2, axis=1))
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    assert [w.trainable for w in layer.weights] == [True, False]


def test_positional_and_keyword_twice_is_an_error_naming_the_argument():
    layer = keras.layers.Layer(name="mine")
    with pytest.raises(TypeError, match="mine.add_weight: 'initializer' was passed both"):
        layer.add_weight((2,), "ones", initializer="zeros")
    with pytest.raises(TypeError, match="at most 3 positional.*received 4"):
        layer.add_weight((2,), "ones", "float32", True)
