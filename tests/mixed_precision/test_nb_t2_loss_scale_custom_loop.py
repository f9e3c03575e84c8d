"""tf-keras 2's custom training step with a LossScaleOptimizer (tensorflow.org's mixed precision guide):
get_scaled_loss -> tape.gradient -> get_unscaled_gradients -> apply_gradients. There apply_gradients takes
the already divided gradients as they are; Keras 3's `scale_loss` + `apply_gradients` divides inside.
Both must make the plain SGD step w - lr * dloss/dw (closed form)."""
import numpy as np

import tkeras as keras
from tkeras import mixed_precision
from tkeras.compat import tf_namespace as tf


def _step(keras2_style, loss_factor=3.0):
    w = tf.Variable([1.0, -2.0])
    optimizer = mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(learning_rate=0.1))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(loss_factor * w)
        scaled = optimizer.get_scaled_loss(loss) if keras2_style else optimizer.scale_loss(loss)
    grads = tape.gradient(scaled, [w])
    if keras2_style:
        grads = optimizer.get_unscaled_gradients(grads)
    optimizer.apply_gradients(zip(grads, [w]))
    return w.numpy(), optimizer


def test_tf_keras2_unscaled_gradients_are_applied_once():
    values, optimizer = _step(keras2_style=True)
    np.testing.assert_allclose(values, [1.0 - 0.1 * 3.0, -2.0 - 0.1 * 3.0], rtol=1e-6)
    assert optimizer.dynamic_scale == 2.0 ** 15


def test_keras3_scaled_gradients_are_divided_by_apply():
    values, _ = _step(keras2_style=False)
    np.testing.assert_allclose(values, [0.7, -2.3], rtol=1e-6)


def test_the_next_step_divides_again_after_a_keras2_step():
    """The 'already divided' mark covers one apply only."""
    w = tf.Variable([1.0])
    optimizer = mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(learning_rate=0.1))
    grads = optimizer.get_unscaled_gradients([tf.constant([2.0 ** 15])])
    optimizer.apply_gradients(zip(grads, [w]))          # grad 1.0 -> w = 0.9
    optimizer.apply_gradients(zip([tf.constant([2.0 ** 15])], [w]))  # scaled grad -> divided -> 1.0
    np.testing.assert_allclose(w.numpy(), [0.8], rtol=1e-6)


def test_non_finite_unscaled_gradients_skip_the_step_and_halve_the_scale():
    w = tf.Variable([1.0])
    optimizer = mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(learning_rate=0.1))
    grads = optimizer.get_unscaled_gradients([tf.constant([np.inf])])
    optimizer.apply_gradients(zip(grads, [w]))
    np.testing.assert_allclose(w.numpy(), [1.0])
    assert optimizer.dynamic_scale == 2.0 ** 14
