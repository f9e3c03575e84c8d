"""The metrics of issue 13 against real Keras 3.15.1: results batch by batch, configs, state variables.

The numbers come from tests/fixtures/metrics_losses_reference.json, written by real Keras (JAX
backend) with tests/fixtures/make_metrics_losses_reference.py on inputs stored in the same file.
"""
import json
import os
import re

import numpy as np
import pytest
import torch

from tkeras import metrics

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "metrics_losses_reference.json")
# The IoU cases feed float32 weights to integer-state metrics on purpose (Keras truncates and warns).
pytestmark = pytest.mark.filterwarnings("ignore:.*float sample weights are cast")

with open(FIXTURE) as f:
    REFERENCE = json.load(f)
CASES = {case["id"]: case for case in REFERENCE["metrics"]}


def _as_stored(values):
    """The fixture's lists as the arrays Keras was given: float32, or int32 for class ids."""
    if values is None:
        return None
    array = np.asarray(values)
    return array.astype(np.float32 if array.dtype.kind == "f" else np.int32)


def _feed(metric, batch):
    metric.update_state(_as_stored(batch["y_true"]), _as_stored(batch["y_pred"]),
                        sample_weight=_as_stored(batch["sample_weight"]))


def _base_name(keras_name):
    """Keras counts unnamed metrics of a class (io_u, io_u_1, ...); tkeras metrics keep the base name."""
    return re.sub(r"_\d+$", "", keras_name)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_results_batch_by_batch_match_keras(case_id):
    case = CASES[case_id]
    metric = getattr(metrics, case["class"])(**case["kwargs"])
    for batch, expected in zip(case["batches"], case["results"]):
        _feed(metric, batch)
        got = metric.result()
        assert isinstance(got, torch.Tensor)
        np.testing.assert_allclose(got.detach().cpu().numpy(), np.asarray(expected, dtype=np.float32),
                                   rtol=1e-5, atol=1e-5, err_msg=case_id)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_config_and_state_variables_match_keras(case_id):
    case = CASES[case_id]
    cls = getattr(metrics, case["class"])
    metric = cls(**case["kwargs"])
    for batch in case["batches"]:
        _feed(metric, batch)
    config = metric.get_config()
    expected = dict(case["config"])
    if "name" not in case["kwargs"]:
        expected["name"] = _base_name(expected["name"])
    assert config == expected
    got_variables = [[v._keras_path, list(v.shape), str(v.dtype).replace("torch.", "")] for v in metric.variables]
    want_variables = [[f"{metric.name}/{path.split('/')[-1]}", shape, dtype]
                      for path, shape, dtype in case["variables"]]
    assert got_variables == want_variables
    for variable, state in zip(metric.variables, case["state"]):
        # float sums accumulate in another order than Keras': relative tolerance on large counts
        np.testing.assert_allclose(variable.detach().cpu().numpy(), np.asarray(state), rtol=1e-5, atol=1e-5)
    metric.reset_state()
    for variable, zeros in zip(metric.variables, case["state_after_reset"]):
        np.testing.assert_array_equal(variable.detach().cpu().numpy(), np.asarray(zeros))
    assert cls.from_config(config).get_config() == config


@pytest.mark.parametrize("index", range(len(REFERENCE["metric_functions"])))
def test_metric_functions_match_keras(index):
    case = REFERENCE["metric_functions"][index]
    got = getattr(metrics, case["fn"])(np.asarray(case["y_true"], dtype=np.float32),
                                       np.asarray(case["y_pred"], dtype=np.float32), **case["kwargs"])
    np.testing.assert_allclose(np.asarray(got), np.asarray(case["out"]), rtol=1e-5, atol=1e-6)


def test_every_keras_metrics_name_exists():
    missing = [name for name in REFERENCE["names"]["metrics"] if not hasattr(metrics, name)]
    assert missing == []


def test_every_keras_metric_string_resolves_to_the_same_class():
    for name in REFERENCE["names"]["metric_strings"]:
        found = metrics._REGISTRY.find(name)
        assert found is not None, name
        if name[0].isupper() and not name.isupper():  # a class name ('BCE', 'MSE' are aliases)
            assert found.__name__ == name
    assert type(metrics.get("f1_score")) is metrics.F1Score
    assert type(metrics.get("r2_score")) is metrics.R2Score
    assert metrics._REGISTRY.find("one_hot_mean_io_u") is metrics.OneHotMeanIoU


# -- tf.keras 2 only: MeanRelativeError, MeanTensor (reference from tf-keras 2.21) ---------------------
TF_KERAS_CASES = {case["id"]: case for case in REFERENCE["tf_keras"]["metrics"]}


@pytest.mark.parametrize("case_id", sorted(TF_KERAS_CASES))
def test_tf_keras_only_metrics_match_tf_keras(case_id):
    case = TF_KERAS_CASES[case_id]
    cls = getattr(metrics, case["class"])
    metric = cls(**case["kwargs"])
    for batch, expected in zip(case["batches"], case["results"]):
        weight = _as_stored(batch["sample_weight"])
        if "values" in batch:
            metric.update_state(_as_stored(batch["values"]), sample_weight=weight)
        else:
            metric.update_state(_as_stored(batch["y_true"]), _as_stored(batch["y_pred"]), sample_weight=weight)
        np.testing.assert_allclose(metric.result().numpy(), np.asarray(expected, dtype=np.float32),
                                   rtol=1e-5, atol=1e-6, err_msg=case_id)
    assert metric.get_config() == case["config"]
    assert [v.name for v in metric.variables] == case["variables"]
    assert cls.from_config(metric.get_config()).get_config() == metric.get_config()


def test_every_tf_keras_metrics_name_exists():
    # `experimental` only holds tf-keras' PyMetric (a metric running arbitrary Python inside tf.function).
    names = [n for n in REFERENCE["tf_keras"]["names"]["metrics"] if n != "experimental"]
    assert [name for name in names if not hasattr(metrics, name)] == []


def test_mean_tensor_keeps_its_first_shape():
    metric = metrics.MeanTensor()
    with pytest.raises(ValueError, match=r"MeanTensor has no value yet"):
        metric.result()
    metric.update_state(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"MeanTensor: every update must have the shape of the first, \(2, 3\); "
                                         r"received values of shape \(3, 2\)"):
        metric.update_state(np.ones((3, 2)))
