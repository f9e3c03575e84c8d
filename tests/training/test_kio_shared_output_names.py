"""Outputs that share a name (two outputs of one layer: an LSTM's states, a Lambda returning a tuple)
log as Keras 3 logs them: `output_names` repeats the layer's name, the per-output loss key is shared
(the last output's value shows), compiled metrics are numbered (`split_mae`, `split_mae_1`) and
colliding weighted ones become `split_weighted_mae`, `split_weighted_mae_1`. Reference logs recorded
from Keras 3 by tests/fixtures/make_kio_shared_output_names_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_shared_output_names_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def _split_model():
    inputs = tkeras.Input((2, 3))
    first, second = tkeras.layers.Lambda(lambda t: (t[:, 0], t[:, 1]), name="split")(inputs)
    return tkeras.Model(inputs, [first, second])


def _arrays(reference, *names):
    return [np.array(reference[n], "float32") for n in names]


def _assert_logs(logs, expected):
    assert sorted(logs) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(logs[key], value, rtol=1e-5, err_msg=key)


def test_fit_logs_of_one_layers_two_outputs_match_keras(reference):
    x, y1, y2 = _arrays(reference, "x", "y1", "y2")
    model = _split_model()
    model.compile("sgd", loss=["mse", "mae"], metrics=[["mae"], ["mae", "mse"]])
    history = model.fit(x, [y1, y2], verbose=0, epochs=1, batch_size=4)
    case = reference["cases"]["plain"]
    assert model.output_names == case["output_names"]
    _assert_logs({k: v[0] for k, v in history.history.items()}, case["history"])


def test_weighted_metrics_of_shared_names_match_keras(reference):
    x, y1, y2, w1, w2 = _arrays(reference, "x", "y1", "y2", "w1", "w2")
    model = _split_model()
    model.compile("sgd", loss=["mse", "mae"], metrics=[["mae"], ["mae"]], weighted_metrics=[["mae"], ["mae"]])
    logs = model.evaluate(x, [y1, y2], sample_weight=[w1, w2], verbose=0, return_dict=True, batch_size=4)
    _assert_logs(logs, reference["cases"]["weighted"]["history"])


def test_lstm_states_as_outputs_log_keras_keys(reference):
    inputs = tkeras.Input((5, 3))
    _, state_h, state_c = tkeras.layers.LSTM(4, return_state=True, name="lstm")(inputs)
    model = tkeras.Model(inputs, [state_h, state_c])
    model.compile("sgd", loss=["mse", "mse"], metrics=[["mae"], ["mae"]])
    history = model.fit(np.ones((4, 5, 3), "float32"), [np.zeros((4, 4)), np.zeros((4, 4))], verbose=0, epochs=1)
    assert model.output_names == reference["lstm"]["output_names"]
    assert list(history.history) == reference["lstm"]["history_keys"]
