"""A NumPy array held by a user's layer meets tensors in `call` as in TensorFlow (Generative Deep Learning's
RealNVP: `reversed_mask * (...)` and `s *= reversed_mask` with `self.masks = np.array(...)`): the array takes
the tensor's dtype, the result is a tensor, and `*=` leaves the tensor autograd saved untouched. Gradients
are checked against NumPy's closed form."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf


class MaskedCoupling(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.masks = np.array([[0, 1], [1, 0]], dtype="float64")  # float64, as np.zeros gives by default

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(2,), initializer=keras.initializers.Constant([0.3, -0.7]))

    def call(self, x):
        x_masked = x * self.masks[0]
        reversed_mask = 1 - self.masks[0]
        s = tf.tanh(x * self.w)
        s *= reversed_mask
        return reversed_mask * (x * tf.exp(s)) + x_masked


def test_numpy_mask_operands_in_call_match_numpy_gradients():
    x = np.array([[0.5, -1.0], [2.0, 0.25], [-1.5, 1.0]], dtype="float32")
    layer = MaskedCoupling()
    with tf.GradientTape() as tape:
        y = layer(x)
        loss = tf.reduce_sum(y)
    grad = tape.gradient(loss, layer.w)

    w, mask = np.array([0.3, -0.7]), np.array([0.0, 1.0])
    reverse = 1 - mask
    t = np.tanh(x * w)
    s = t * reverse
    expected_y = reverse * x * np.exp(s) + x * mask
    expected_grad = (reverse * x * np.exp(s) * reverse * (1 - t ** 2) * x).sum(axis=0)
    assert str(y.dtype).endswith("float32")
    np.testing.assert_allclose(np.asarray(y), expected_y, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(grad), expected_grad, rtol=1e-5)


def test_the_held_array_is_still_an_ndarray_for_numpy_code():
    layer = MaskedCoupling()
    assert isinstance(layer.masks, np.ndarray)
    assert repr(layer.masks) == repr(np.array([[0, 1], [1, 0]], dtype="float64"))
    assert type(np.asarray(layer.masks)) is np.ndarray
    np.testing.assert_array_equal(layer.masks * 2, [[0, 2], [2, 0]])


def test_numpy_operand_takes_the_tensor_dtype_as_tensorflow_converts_it():
    layer = MaskedCoupling()
    layer.scale = np.array([1.5, 2.0])
    integers = tf.constant([1, 2])
    np.testing.assert_array_equal(np.asarray(layer.scale * integers), [1, 4])  # TensorFlow: the array becomes int32
