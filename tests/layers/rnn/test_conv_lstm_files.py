"""ConvLSTM2D in files: real Keras 3.15.1 loaded a tkeras .keras/.weights.h5 and predicted the same
(record made by tests/fixtures/check_conv_lstm_in_real_keras.py), tkeras still writes the configs Keras
read then, and tkeras loads the file Keras wrote back and predicts the same."""
import json
import os

import numpy as np

import tkeras as keras

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures")
RECORD = json.load(open(os.path.join(FIXTURES, "real_keras_reads_tkeras_conv_lstm.json")))


def _model_as_in_the_check():
    import importlib.util
    spec = importlib.util.spec_from_file_location("check", os.path.join(FIXTURES, "check_conv_lstm_in_real_keras.py"))
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    return check.build_model(keras)


def test_real_keras_loaded_tkeras_files_and_predicted_the_same():
    results = RECORD["results"]
    assert set(results) == {"keras3:tk_conv_lstm.keras", "keras3:tk_conv_lstm.weights.h5"}, results
    for key, result in results.items():
        assert result["loaded"] and result["max_abs_diff"] < 1e-5, (key, result)


def test_tkeras_still_writes_the_configs_keras_read():
    model = _model_as_in_the_check()
    ours = json.loads(json.dumps({layer.name: layer.get_config() for layer in model.layers
                                  if "conv_lstm" in layer.name}))
    assert ours == RECORD["tkeras_layer_configs"]


def test_tkeras_loads_the_file_keras_wrote(tmp_path):
    model = keras.models.load_model(os.path.join(FIXTURES, "k3_conv_lstm.keras"))
    x = np.array(RECORD["x"], dtype="float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), RECORD["y"], atol=1e-5)
    # and a save/load round trip in tkeras keeps the function
    model.save(tmp_path / "again.keras")
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "again.keras").predict(x, verbose=0),
                               RECORD["y"], atol=1e-5)
