"""`x += y` on a tensor binds a new tensor, as TensorFlow's immutable tensors do.

keras-io's "visualizing what convnets learn" runs `img += learning_rate * grads` on the image its
GradientTape watched; TensorFlow leaves the watched tensor (and every other name for it) unchanged.
"""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


@pytest.mark.parametrize("update, expected", [
    (lambda t: t.__iadd__(2.0), [3.0, 4.0]), (lambda t: t.__isub__(2.0), [-1.0, 0.0]),
    (lambda t: t.__imul__(2.0), [2.0, 4.0]), (lambda t: t.__itruediv__(2.0), [0.5, 1.0]),
    (lambda t: t.__ipow__(2.0), [1.0, 4.0]), (lambda t: t.__ifloordiv__(2.0), [0.0, 1.0]),
    (lambda t: t.__imod__(2.0), [1.0, 0.0]),
])
def test_augmented_assignment_leaves_the_original_alone(update, expected):
    original = tf.constant([1.0, 2.0])
    result = update(original)
    np.testing.assert_allclose(np.asarray(result), expected)
    np.testing.assert_allclose(np.asarray(original), [1.0, 2.0])


def test_gradient_ascent_step_on_a_watched_image():
    img = tf.constant([[1.0, -2.0]])
    alias = img
    with tf.GradientTape() as tape:
        tape.watch(img)
        loss = tf.reduce_sum(img * img)
    grads = tape.gradient(loss, img)
    img += 0.5 * grads
    np.testing.assert_allclose(np.asarray(img), [[2.0, -4.0]])
    np.testing.assert_allclose(np.asarray(alias), [[1.0, -2.0]])


def test_numpy_operand_and_matmul():
    a = tf.constant([[1.0, 2.0]])
    b = a
    a += np.array([1.0, 1.0])
    a @= tf.constant([[1.0], [1.0]])
    np.testing.assert_allclose(np.asarray(a), [[5.0]])
    np.testing.assert_allclose(np.asarray(b), [[1.0, 2.0]])
