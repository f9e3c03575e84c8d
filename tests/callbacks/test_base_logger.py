"""tf-keras' BaseLogger: batch logs carrying `size` become size-weighted epoch averages."""
import pytest

from tests.callbacks.conftest import drive
from tkeras.callbacks import BaseLogger


def run_epoch(logger, batches, params=None):
    logger.set_params({"epochs": 1, **(params or {})})
    logger.on_epoch_begin(0)
    for i, logs in enumerate(batches):
        logger.on_batch_end(i, dict(logs))
    epoch_logs = {"loss": -1.0, "acc": -1.0}
    logger.on_epoch_end(0, epoch_logs)
    return epoch_logs


def test_size_weighted_epoch_average():
    batches = [{"batch": 0, "size": 4, "loss": 1.0, "acc": 0.5}, {"batch": 1, "size": 2, "loss": 4.0, "acc": 1.0}]
    logs = run_epoch(BaseLogger(), batches, {"metrics": ["loss", "acc"]})
    assert logs == {"loss": pytest.approx((4 * 1.0 + 2 * 4.0) / 6), "acc": pytest.approx((4 * 0.5 + 2 * 1.0) / 6)}


def test_stateful_metric_keeps_its_last_value_and_names_default_to_the_batches():
    batches = [{"size": 3, "loss": 2.0, "acc": 0.1}, {"size": 1, "loss": 6.0, "acc": 0.9}]
    logs = run_epoch(BaseLogger(stateful_metrics=["acc"]), batches)  # no params["metrics"] (tf-keras 2 fit)
    assert logs == {"loss": pytest.approx(3.0), "acc": 0.9}


def test_without_sizes_the_epoch_logs_are_left_alone(model):
    # tkeras' loops (like Keras 2/3) already give epoch averages and no `size` per batch.
    logs = run_epoch(BaseLogger(), [{"loss": 5.0}, {"loss": 7.0}])
    assert logs == {"loss": -1.0, "acc": -1.0}
    assert drive([BaseLogger()], model, [{"loss": 0.5}], batches_per_epoch=2, batch_logs={"loss": 3.0}) == 1
