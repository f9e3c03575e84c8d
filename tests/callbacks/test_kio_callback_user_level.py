"""Callbacks are user code: a model called from a hook gives results user code can read.

keras-io's GAN monitors call the generator in `on_epoch_end`, scale the output in place and call
`.numpy()` on it; TensorFlow's eager results allow that even though the weights are trainable.
"""
import numpy as np

import tkeras as keras


class _CallsModel(keras.callbacks.Callback):
    def __init__(self, probe):
        super().__init__()
        self.probe = probe
        self.epoch_values = []
        self.batch_values = []

    def on_epoch_end(self, epoch, logs=None):
        out = self.model(self.probe)
        out *= 2.0
        self.epoch_values.append(out.numpy())

    def on_train_batch_end(self, batch, logs=None):
        self.batch_values.append(self.model(self.probe).numpy())


def test_model_outputs_in_callbacks_convert_to_numpy():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    probe = np.ones((1, 3), dtype="float32")
    callback = _CallsModel(probe)
    model.fit(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"), batch_size=2, epochs=2,
              verbose=0, callbacks=[callback])
    assert len(callback.epoch_values) == 2 and len(callback.batch_values) == 4
    np.testing.assert_allclose(callback.epoch_values[-1], np.full((1, 2), 6.0))
    np.testing.assert_allclose(callback.batch_values[-1], np.full((1, 2), 3.0))
