"""`metric.result()` read by user code is a tensor shown the TensorFlow way, whatever class defines it.

Custom training loops (the TensorFlow quickstart) print `train_loss.result()` and call
`.numpy()` on it: TensorFlow gives a `tf.Tensor` and a NumPy scalar. Keras wraps every `result`
(subclasses' included); the fit loop keeps plain tensors.
"""
import numpy as np

import tkeras as keras


def test_mean_result_numpy_is_a_numpy_scalar():
    metric = keras.metrics.Mean(name="train_loss")
    metric(np.array([1.0, 2.0, 4.0]))
    value = metric.result().numpy()
    assert isinstance(value, np.float32)
    np.testing.assert_allclose(value, 7.0 / 3.0, rtol=1e-6)
    assert repr(metric.result()).startswith("<tf.Tensor: shape=(), dtype=float32, numpy=2.33333")


def test_call_returns_the_wrapped_result():
    metric = keras.metrics.SparseCategoricalAccuracy()
    value = metric(np.array([1, 0]), np.array([[0.2, 0.8], [0.1, 0.9]]))
    assert isinstance(value.numpy(), np.float32)
    assert float(value) == 0.5


def test_user_subclass_result_is_wrapped_once_and_super_result_still_works():
    class Doubled(keras.metrics.Mean):
        def result(self):
            return super().result() * 2

    metric = Doubled()
    metric.update_state([1.0, 3.0])
    value = metric.result()
    assert isinstance(value.numpy(), np.float32)
    assert float(value) == 4.0
    assert getattr(Doubled.result, "_user_facing", False)
