"""`.keras` files with GroupQueryAttention, RMSNormalization, SpectralNormalization, ReversibleEmbedding
adaptive pooling and Pipeline cross between tkeras and real Keras 3.15.1 (tests/fixtures/check_gqa_rms_in_real_keras.py):
real Keras read tkeras' files and predicted the same (the committed record), tkeras reads the files
real Keras wrote and predicts what Keras did, and tkeras writes the weight paths Keras writes."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.keras_files import weight_shapes

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
MODELS = ("gqa_rms", "spectral_reversible", "pipeline")


def _load_json(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


def test_real_keras_loaded_tkeras_files_and_predicted_the_same():
    record = _load_json("real_keras_reads_tkeras_gqa_rms.json")
    assert record["keras"] == "3.15.1"
    for name in MODELS:
        result = record["results"][f"keras3:tk_{name}.keras"]
        assert result["loaded"], result
        assert result["max_abs_diff"] < 1e-5


@pytest.mark.parametrize("name", MODELS)
def test_tkeras_loads_keras_files_and_predicts_what_keras_did(name):
    io = _load_json("k3_gqa_rms_io.json")[name]
    model = keras.models.load_model(os.path.join(FIXTURES, f"k3_{name}.keras"))
    x = np.array(io["x"], dtype=io["x_dtype"])
    np.testing.assert_allclose(model.predict(x, verbose=0), np.array(io["y"]), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", MODELS)
def test_tkeras_writes_the_weight_paths_and_shapes_keras_writes(name, tmp_path):
    keras_file = os.path.join(FIXTURES, f"k3_{name}.keras")
    model = keras.models.load_model(keras_file)
    path = str(tmp_path / f"{name}.keras")
    model.save(path)
    assert weight_shapes(path) == weight_shapes(keras_file)
    reloaded = keras.models.load_model(path)
    for a, b in zip(reloaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
