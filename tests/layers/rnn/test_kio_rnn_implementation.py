"""LSTM/GRU cells report `implementation` 1 under recurrent dropout, whatever was asked for, as Keras 3
and tf-keras do (recorded by tests/fixtures/make_kio_rnn_implementation_reference.py); the attribute is
informational here, so the computation must not depend on it."""
import json
import os

import numpy as np
import pytest

import tkeras as keras

_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "kio_rnn_implementation_reference.json")
with open(_PATH) as f:
    _CASES = json.load(f)["cases"]


_IDS = ["{api}-{layer}-rd{recurrent_dropout}-{implementation}".format(**case) for case in _CASES]


@pytest.mark.parametrize("case", _CASES, ids=_IDS)
def test_cell_implementation_matches_keras(case):
    kwargs = {} if case["implementation"] is None else {"implementation": case["implementation"]}
    made = getattr(keras.layers, case["layer"])(3, recurrent_dropout=case["recurrent_dropout"], **kwargs)
    cell = made if case["layer"].endswith("Cell") else made.cell
    assert cell.implementation == case["cell_implementation"]


@pytest.mark.parametrize("layer_name", ["LSTM", "GRU"])
def test_inference_output_does_not_depend_on_the_reported_implementation(layer_name):
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    plain = getattr(keras.layers, layer_name)(5, implementation=2)
    dropped = getattr(keras.layers, layer_name)(5, implementation=2, recurrent_dropout=0.5)
    plain.build((None, 4, 3))
    dropped.build((None, 4, 3))
    dropped.set_weights(plain.get_weights())
    assert dropped.cell.implementation == 1
    np.testing.assert_allclose(dropped(x, training=False).numpy(), plain(x).numpy(), rtol=1e-6, atol=1e-6)
