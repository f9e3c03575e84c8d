"""tf.experimental.numpy keeps gradients: keras-io's tensorflow_numpy_models recipe trains a model whose
loss is `tnp.mean(tnp.square(y_true - y_pred), axis=0)`; as in TensorFlow, `tnp.asarray` of a tensor
and the reductions built on it stay differentiable."""
import numpy as np

import tkeras as keras
from tkeras.compat.tf_namespace.experimental import numpy as tnp
from tkeras.compat import tf_namespace as tf


def test_gradient_flows_through_tnp_mean_and_asarray():
    x = tf.Variable(np.array([[1.0, 2.0], [3.0, 5.0]], "float32"))
    with tf.GradientTape(persistent=True) as tape:
        mean_loss = tf.reduce_sum(tnp.mean(tnp.square(x - 3.0), axis=0))
        asarray_loss = tf.reduce_sum(tnp.asarray(x) * 2.0)
    # d/dx sum_j mean_i (x_ij - 3)^2 = 2 (x - 3) / 2
    np.testing.assert_allclose(np.asarray(tape.gradient(mean_loss, x)), np.asarray(x) - 3.0)
    np.testing.assert_allclose(np.asarray(tape.gradient(asarray_loss, x)), np.full((2, 2), 2.0))


def test_a_tnp_loss_trains_a_model():
    def tnp_mse(y_true, y_pred):
        return tnp.mean(tnp.square(y_true - y_pred), axis=0)

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=tnp_mse)
    x = np.ones((4, 3), "float32")
    model.fit(x, np.ones((4, 1), "float32"), epochs=1, batch_size=4, verbose=0)
    # one SGD step from zero weights: kernel += 0.1 * 2 * mean(y - 0) * x = 0.2 per input
    np.testing.assert_allclose(np.asarray(model.layers[0].get_weights()[0]), np.full((3, 1), 0.2), rtol=1e-5)
