"""A per-sample loss given to `add_loss` (shape (batch, 1), as keras-io's OCR CTC layers add
`ctc_batch_cost(...)`) is summed into the step's loss, as Keras 3 aggregates added losses.

Closed form: Dense(1, kernel=ones) on three rows of ones gives 2 per sample; the loss is 3 * 2 = 6 and
its gradient on each kernel entry is 3, so SGD(0.1) leaves 1 - 0.3 = 0.7.
"""
import numpy as np

import tkeras as keras


class _AddOutputAsLoss(keras.layers.Layer):
    def call(self, x):
        self.add_loss(x)
        return x


def test_per_sample_added_loss_is_summed():
    inputs = keras.Input((2,))
    dense = keras.layers.Dense(1, kernel_initializer="ones")
    model = keras.Model(inputs, _AddOutputAsLoss()(dense(inputs)))
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    history = model.fit(np.ones((3, 2), "float32"), epochs=1, batch_size=3, verbose=0)
    np.testing.assert_allclose(history.history["loss"], [6.0], rtol=1e-6)
    np.testing.assert_allclose(dense.kernel.numpy().ravel(), [0.7, 0.7], rtol=1e-6)
