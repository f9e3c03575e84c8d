"""A compiled custom `Loss` subclass comes back from a .keras file with its saved arguments.

Hands-On ML 3, chapter 12: `load_model(path, custom_objects={"HuberLoss": HuberLoss})` then
`model.loss.threshold` shows 2.0, and further training minimizes the Huber loss with threshold 2,
not a default-constructed loss (threshold 1).
"""
import numpy as np

import tkeras as keras


class HuberLoss(keras.losses.Loss):
    def __init__(self, threshold=1.0, **kwargs):
        self.threshold = threshold
        super().__init__(**kwargs)

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        small = keras.ops.abs(error) < self.threshold
        return keras.ops.where(small, keras.ops.square(error) / 2,
                               self.threshold * keras.ops.abs(error) - self.threshold ** 2 / 2)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


def _np_huber(y, p, threshold):
    error = np.abs(y - p)
    return np.where(error < threshold, error ** 2 / 2, threshold * error - threshold ** 2 / 2).mean()


def test_loaded_model_loss_is_an_instance_with_the_saved_threshold(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(loss=HuberLoss(2.0), optimizer="sgd")
    path = str(tmp_path / "huber.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"HuberLoss": HuberLoss})
    assert isinstance(loaded.loss, HuberLoss)
    assert loaded.loss.threshold == 2.0

    x = np.array([[1.0, 0.5], [0.0, 0.2], [2.0, 1.0]], "float32")
    y = np.array([[0.0], [0.0], [0.0]], "float32")  # errors 1.5, 0.2, 3.0: both branches at threshold 2
    expected = _np_huber(y, loaded.predict(x, verbose=0), 2.0)
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), expected, rtol=1e-5)


def test_custom_loss_function_still_loads_by_its_name(tmp_path):
    def huber_fn(y_true, y_pred):
        return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(loss=huber_fn, optimizer="sgd")
    path = str(tmp_path / "fn.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"huber_fn": huber_fn})
    x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), np.mean(loaded.predict(x, verbose=0) ** 2),
                               rtol=1e-5)
