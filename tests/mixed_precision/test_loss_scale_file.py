"""A LossScaleOptimizer's state crosses .keras files in Keras 3.15.1's layout: its four variables
(iteration, learning_rate, step_counter, dynamic_scale) before the inner optimizer's under
optimizer/vars, and the inner optimizer again under optimizer/inner_optimizer/vars. The file is real
Keras' (tests/fixtures/make_loss_scale_file.py: mixed_float16, Adam, 12 steps, growth every 5)."""
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import tkeras as keras

FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures")
RECORD = json.load(open(os.path.join(FIXTURES, "k3_loss_scale_io.json")))


@pytest.fixture
def loaded():
    model = keras.models.load_model(os.path.join(FIXTURES, "k3_loss_scale.keras"))
    yield model
    keras.mixed_precision.set_global_policy("float32")


def _values(optimizer):
    return [np.asarray(v.numpy(), dtype="float64") for v in optimizer.variables]


def test_keras_file_loads_with_its_loss_scale_state(loaded):
    optimizer = loaded.optimizer
    assert type(optimizer).__name__ == "LossScaleOptimizer"
    expected = [np.asarray(value, dtype="float64") for _, value in RECORD["optimizer_variables"]]
    assert len(optimizer.variables) == len(expected) == 14
    for got, want in zip(_values(optimizer), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert optimizer.dynamic_scale == 512.0 and optimizer.step_counter == 2
    x = np.asarray(RECORD["x"], dtype="float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), np.asarray(RECORD["y"]), atol=2e-3)


def test_training_goes_on_from_the_saved_scale(loaded):
    """Keras doubles the scale after 5 finite steps in a row; 2 were counted before the save."""
    x = np.asarray(RECORD["x"], dtype="float32")
    loaded.fit(x[:12], x[:12].sum(axis=1, keepdims=True), batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert loaded.optimizer.step_counter == 0 and loaded.optimizer.dynamic_scale == 1024.0
    assert int(loaded.optimizer.inner_optimizer.iterations) == 15


def test_tkeras_writes_keras_layout(loaded, tmp_path):
    path = str(tmp_path / "again.keras")
    loaded.save(path)
    with zipfile.ZipFile(path) as archive, archive.open("model.weights.h5") as raw, h5py.File(raw) as h5:
        outer = h5["optimizer/vars"]
        inner = h5["optimizer/inner_optimizer/vars"]
        assert len(outer) == 14 and len(inner) == 10
        assert float(outer["3"][()]) == 512.0 and int(outer["2"][()]) == 2 and int(inner["0"][()]) == 12
    again = keras.models.load_model(path)
    for got, want in zip(_values(again.optimizer), _values(loaded.optimizer)):
        np.testing.assert_array_equal(got, want)
