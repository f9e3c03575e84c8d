"""tf.gradients: on a model's symbolic tensors it is K.gradients (evaluated by K.function; several ys
summed, weighted by grad_ys), against the closed form of a linear layer; on tensors without gradient
history it refuses with TensorFlow 2's advice."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import backend as K
from tkeras.compat import tf_namespace as tf


def test_symbolic_gradients_with_grad_ys():
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(2)(inputs)
    kernel = keras.Model(inputs, outputs).layers[1].get_weights()[0]
    x = np.ones((4, 3), "float32")
    first = tf.gradients(outputs[:, 0], inputs)[0]
    np.testing.assert_allclose(K.function([inputs], [first])([x])[0], np.tile(kernel[:, 0], (4, 1)), rtol=1e-6)
    mixed = tf.gradients([outputs[:, 0], outputs[:, 1]], [inputs], grad_ys=[2.0, 3.0])[0]
    np.testing.assert_allclose(K.function([inputs], [mixed])([x])[0],
                               np.tile(2 * kernel[:, 0] + 3 * kernel[:, 1], (4, 1)), rtol=1e-6)


def test_tensors_with_history_and_without():
    import torch
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    grad, = tf.gradients(x * x, x)
    np.testing.assert_allclose(grad.detach().numpy(), [2.0, 4.0])
    with pytest.raises(RuntimeError, match="Use tf.GradientTape instead"):
        tf.gradients(tf.constant([1.0]), tf.constant([2.0]))
