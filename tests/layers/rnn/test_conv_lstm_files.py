"""ConvLSTM2D in files: real Keras 3.15.1 loaded a tkeras .keras/.weights.h5 (tf-keras 2.21 its .h5) and
predicted the same (record made by tests/fixtures/check_conv_lstm_in_real_keras.py), tkeras still writes
the configs Keras read then, and tkeras loads the file Keras wrote back and predicts the same."""
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
    assert set(results) == {"keras3:tk_conv_lstm.keras", "keras3:tk_conv_lstm.weights.h5",
                            "tf_keras2:tk_conv_lstm.h5"}, results
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


def test_keras2_h5_config_leaves_out_the_keras3_only_seed(tmp_path):
    """tf-keras 2's ConvLSTM layers refuse an unknown `seed` argument, so the .h5 config has none."""
    import h5py
    model = _model_as_in_the_check()
    model.save(tmp_path / "model.h5")
    with h5py.File(tmp_path / "model.h5", "r") as f:
        config = json.loads(f.attrs["model_config"])
    layers = [layer["config"] for layer in config["config"]["layers"] if layer["class_name"] == "ConvLSTM2D"]
    assert len(layers) == 2 and all("seed" not in layer and layer["filters"] for layer in layers)
    x = np.array(RECORD["x"], dtype="float32")
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "model.h5").predict(x, verbose=0),
                               model.predict(x, verbose=0), atol=1e-6)
