"""tf.keras 2 custom train_step code as users wrote it: `from keras.engine import data_adapter` and
`tf.keras.utils.unpack_x_y_sample_weight` resolve to tkeras' function, and fit hands the step batches
whose sample weights line up with x and y (checked against a NumPy run of weighted SGD)."""
import importlib

import numpy as np
import pytest

from tkeras.utils import batch_packing


@pytest.fixture
def aliases():
    from tkeras import compat
    compat.install()
    yield
    compat.uninstall()


@pytest.mark.parametrize("module", ["keras.engine.data_adapter", "tensorflow.python.keras.engine.data_adapter",
                                    "tensorflow.keras.utils", "keras.utils", "tf_keras.utils"])
def test_legacy_paths_reach_the_one_implementation(aliases, module):
    imported = importlib.import_module(module)
    assert imported.unpack_x_y_sample_weight is batch_packing.unpack_x_y_sample_weight
    assert imported.pack_x_y_sample_weight is batch_packing.pack_x_y_sample_weight


def test_from_keras_engine_import_data_adapter(aliases):
    from keras.engine import data_adapter
    import tensorflow as tf
    assert data_adapter.unpack_x_y_sample_weight is batch_packing.unpack_x_y_sample_weight
    assert tf.keras.utils.unpack_x_y_sample_weight is batch_packing.unpack_x_y_sample_weight
    with pytest.raises(AttributeError, match=r"^keras\.engine\.data_adapter\.no_such is not supported in tkeras$"):
        data_adapter.no_such


def _weighted_sgd_reference(x, y, w, kernel, bias, lr, batch_size):
    """One epoch of SGD on Keras' weighted MSE: mean over the batch of w_i * (pred_i - y_i)^2."""
    kernel, bias = kernel.astype(np.float64), bias.astype(np.float64)
    for start in range(0, len(x), batch_size):
        xb, yb = x[start:start + batch_size].astype(np.float64), y[start:start + batch_size].astype(np.float64)
        wb = np.ones(len(xb)) if w is None else w[start:start + batch_size].astype(np.float64)
        residual = xb @ kernel + bias - yb  # (batch, 1)
        scaled = 2.0 * wb[:, None] * residual / len(xb)
        kernel = kernel - lr * xb.T @ scaled
        bias = bias - lr * scaled.sum(axis=0)
    return kernel, bias


@pytest.mark.parametrize("weighted", [True, False], ids=["sample_weight", "no_sample_weight"])
def test_tf_keras2_train_step_with_data_adapter_trains_like_weighted_sgd(aliases, weighted):
    import tensorflow as tf
    from keras.engine import data_adapter
    seen = []

    class CustomModel(tf.keras.Model):
        def train_step(self, data):
            x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
            seen.append(sample_weight is None)
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, sample_weight, regularization_losses=self.losses)
            self.optimizer.minimize(loss, self.trainable_variables, tape=tape)
            self.compiled_metrics.update_state(y, y_pred, sample_weight)
            return {m.name: m.result() for m in self.metrics}

    rng = np.random.default_rng(4)
    x = rng.normal(size=(12, 3)).astype("float32")
    y = rng.normal(size=(12, 1)).astype("float32")
    w = rng.uniform(0.1, 3.0, size=12).astype("float32") if weighted else None
    inputs = tf.keras.Input(shape=(3,))
    model = CustomModel(inputs, tf.keras.layers.Dense(1)(inputs))
    kernel = np.array([[0.3], [-0.2], [0.5]], "float32")
    bias = np.array([0.1], "float32")
    model.set_weights([kernel, bias])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(x, y, sample_weight=w, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert seen == [not weighted] * 3
    want_kernel, want_bias = _weighted_sgd_reference(x, y, w, kernel, bias, 0.1, 4)
    got_kernel, got_bias = model.get_weights()
    np.testing.assert_allclose(got_kernel, want_kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_bias, want_bias, rtol=1e-5, atol=1e-6)
