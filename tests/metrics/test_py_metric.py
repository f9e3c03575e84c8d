"""tf-keras 2's keras.metrics.experimental.PyMetric: Python state, NumPy-friendly update_state, one scalar
result, usable in compile()."""
import numpy as np
import pytest
import torch

import tkeras as keras


class MedianAbsoluteError(keras.metrics.experimental.PyMetric):
    """Needs every error of the epoch at once: a metric that cannot be a running sum."""

    def __init__(self, name="median_absolute_error", **kwargs):
        super().__init__(name=name, **kwargs)

    def update_state(self, y_true, y_pred, sample_weight=None):
        assert isinstance(y_true, torch.Tensor) and not y_pred.requires_grad and y_pred.device.type == "cpu"
        self.errors.append(np.abs(y_true.numpy().ravel() - y_pred.numpy().ravel()))

    def reset_state(self):
        self.errors = []

    def result(self):
        return float(np.median(np.concatenate(self.errors))) if self.errors else 0.0


def test_state_is_created_by_reset_state_and_result_is_a_scalar_tensor():
    metric = MedianAbsoluteError()
    assert metric.errors == [] and float(metric.result()) == 0.0
    metric.update_state(np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 0.0]))
    metric.update_state(torch.tensor([0.0]), torch.tensor([4.0], requires_grad=True))
    result = metric.result()
    assert isinstance(result, torch.Tensor) and result.dtype == torch.float32 and result.shape == ()
    assert float(result) == float(np.median([0.5, 0.0, 3.0, 4.0]))
    metric.reset_state()
    assert metric.errors == []


def test_in_compile_the_epoch_value_is_the_median_over_all_batches():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = rng.normal(size=(40, 1)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=[MedianAbsoluteError()])
    _, median = model.evaluate(x, y, batch_size=8, verbose=0)
    expected = np.median(np.abs(model.predict(x, verbose=0) - y))
    assert median == pytest.approx(expected, rel=1e-5)
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert len(history.history["median_absolute_error"]) == 2


def test_signature_and_unimplemented_methods():
    import inspect
    assert str(inspect.signature(keras.metrics.experimental.PyMetric)) == "(*args, **kwargs)"  # as tf-keras'

    class Incomplete(keras.metrics.experimental.PyMetric):
        def reset_state(self):
            pass

    with pytest.raises(NotImplementedError, match="Subclasses should implement `update_state`"):
        Incomplete().update_state([1.0], [1.0])

    class DictResult(MedianAbsoluteError):
        def result(self):
            return {"a": 1.0}

    with pytest.raises(TypeError, match="returned a dict; a PyMetric returns one scalar"):
        DictResult().result()
