"""Drive callbacks the way fit does, with logs chosen by the test, so each rule is checked exactly.

A `FakeOptimizer` stands in for the optimizer: a float `learning_rate` property, as the optimizers
expose it. Fit-level tests (tests/callbacks/test_fit_callbacks.py) use the real training loop.
"""
import numpy as np
import pytest

import tkeras as keras


class FakeOptimizer:
    def __init__(self, learning_rate=0.001):
        self._lr = np.float32(learning_rate)

    @property
    def learning_rate(self):
        return float(self._lr)

    @learning_rate.setter
    def learning_rate(self, value):
        self._lr = np.float32(value)  # held in float32, as Keras' variable is


def tiny_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.optimizer = FakeOptimizer()
    return model


def drive(callbacks, model, epoch_logs, batches_per_epoch=0, batch_logs=None):
    """Run the callback hooks over len(epoch_logs) epochs; returns the number of epochs run."""
    for cb in callbacks:
        cb.set_model(model)
        cb.set_params({"epochs": len(epoch_logs), "verbose": 0, "steps": batches_per_epoch})
    model.stop_training = False
    for cb in callbacks:
        cb.on_train_begin()
    run = 0
    for epoch, logs in enumerate(epoch_logs):
        for cb in callbacks:
            cb.on_epoch_begin(epoch)
        for batch in range(batches_per_epoch):
            for cb in callbacks:
                cb.on_train_batch_end(batch, dict(batch_logs or {}))
        logs = dict(logs)
        for cb in callbacks:
            cb.on_epoch_end(epoch, logs)
        run += 1
        if model.stop_training:
            break
    for cb in callbacks:
        cb.on_train_end()
    return run


@pytest.fixture
def model():
    return tiny_model()
