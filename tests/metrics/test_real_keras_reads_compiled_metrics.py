"""Models compiled with the new losses and metrics, saved by tkeras, were loaded by real Keras 3.15.1 with
their compile config and evaluated there (tests/fixtures/make_metrics_losses_roundtrip.py). Here
tkeras evaluates the same files and must agree with Keras' numbers and with the configs Keras rebuilt.
"""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras import losses, metrics

HERE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")
with open(os.path.join(HERE, "metrics_losses_keras_reads_tkeras.json")) as f:
    RECORD = json.load(f)


@pytest.mark.parametrize("name", sorted(RECORD["keras_results"]))
def test_tkeras_evaluates_its_saved_model_as_real_keras_did(name):
    keras_side = RECORD["keras_results"][name]
    io = RECORD["tkeras_models"][name]
    model = keras.models.load_model(os.path.join(HERE, f"tk_metrics_losses_{name}.keras"), compile=False)
    loss = losses.deserialize(keras_side["loss"])
    metric_list = [metrics.deserialize(entry) for entry in keras_side["metrics"]]
    assert loss.get_config() == keras_side["loss"]["config"]
    assert [m.get_config() for m in metric_list] == [entry["config"] for entry in keras_side["metrics"]]
    model.compile(optimizer="sgd", loss=loss, metrics=metric_list)
    x, y = np.asarray(io["x"], dtype="float32"), np.asarray(io["y"], dtype=io["y_dtype"])
    logs = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    expected = keras_side["evaluate"]
    assert logs["loss"] == pytest.approx(expected["loss"], rel=1e-5)
    for metric in metric_list:  # read the objects: a per-class result is a vector in Keras' logs
        np.testing.assert_allclose(metric.result().cpu().numpy(), np.asarray(expected[metric.name]),
                                   rtol=1e-5, atol=1e-6, err_msg=f"{name}: {metric.name}")
