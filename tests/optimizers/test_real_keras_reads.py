"""Models compiled with the newer optimizers, saved by tkeras, load in real Keras 3.15.1 with the optimizer
state intact: the record (tests/fixtures/real_keras_reads_tkeras_optimizers.json, written by
tests/fixtures/check_optimizers_in_real_keras.py) holds what Keras rebuilt; here today's tkeras
optimizers are built for the same model and must still have exactly the variables Keras loaded."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures.check_optimizers_in_real_keras import NAMES, make_model

with open(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures",
                       "real_keras_reads_tkeras_optimizers.json")) as f:
    RECORD = json.load(f)["results"]


@pytest.mark.parametrize("name", NAMES)
def test_keras_loaded_the_optimizer_and_its_state(name):
    entry = RECORD[name]
    assert entry["loaded"] and entry["class_name"] == name
    assert entry["tkeras_variables"] == len(entry["variable_shapes"]) and entry["max_abs_diff"] == 0.0
    model = make_model(keras, name)
    model.fit(np.ones((8, 4), "float32"), np.ones((8, 1), "float32"), batch_size=8, epochs=1, verbose=0)
    assert [list(v.shape) for v in model.optimizer.variables] == entry["variable_shapes"]
