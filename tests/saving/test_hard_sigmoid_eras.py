""""hard_sigmoid" means its era's formula in model files: clip(0.2x + 0.5, 0, 1) in a Keras 1/2 or
tf-keras .h5 and Keras 2 JSON, relu6(x + 3) / 6 in Keras 3's. The files and outputs are real Keras'
(tests/fixtures/make_hard_sigmoid_eras.py: tf-keras 2.21 and Keras 3.15.1, same seeded weights)."""
import json
import os

import h5py
import numpy as np
import pytest

import tkeras as keras

FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures")
IO = json.load(open(os.path.join(FIXTURES, "hard_sigmoid_eras_io.json")))
X = np.asarray(IO["x"], dtype="float32")


def _expected(era):
    return np.asarray(IO[era]["y"], dtype="float32")


def test_the_two_eras_differ_on_this_model():
    assert np.abs(_expected("tf_keras") - _expected("keras3")).max() > 1e-2


@pytest.mark.parametrize("era", ["tf_keras", "keras3"])
def test_lstm_gru_dense_h5_predicts_as_its_keras_did(era):
    model = keras.models.load_model(os.path.join(FIXTURES, f"hard_sigmoid_{era}.h5"))
    np.testing.assert_allclose(model.predict(X, verbose=0), _expected(era), atol=1e-5)


def test_keras2_json_and_weights_predict_as_tf_keras_did():
    with open(os.path.join(FIXTURES, "hard_sigmoid_tf_keras.json")) as f:
        model = keras.models.model_from_json(f.read())
    model.load_weights(os.path.join(FIXTURES, "hard_sigmoid_tf_keras.weights.h5"))
    np.testing.assert_allclose(model.predict(X, verbose=0), _expected("tf_keras"), atol=1e-5)


def test_keras2_layers_report_the_name_keras2_wrote():
    model = keras.models.load_model(os.path.join(FIXTURES, "hard_sigmoid_tf_keras.h5"))
    assert model.get_layer("lstm").get_config()["recurrent_activation"] == "hard_sigmoid"
    assert model.get_layer("dense").get_config()["activation"] == "hard_sigmoid"


def test_keras3_code_keeps_keras3s_formula():
    x = np.linspace(-4, 4, 17, dtype="float32")
    np.testing.assert_allclose(np.asarray(keras.activations.hard_sigmoid(keras.ops.convert_to_tensor(x))),
                               np.clip(x / 6 + 0.5, 0, 1), atol=1e-7)
    json_k3 = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="hard_sigmoid")]).to_json()
    config = json.loads(json_k3)
    assert not config.get("keras_version", "3").startswith(("1.", "2."))
    layer = keras.models.model_from_json(json_k3).layers[-1]
    assert layer.activation is keras.activations.hard_sigmoid


def _reloaded(model, path):
    model.save(path)
    return keras.models.load_model(path, compile=False)


def test_a_keras2_model_resaved_as_h5_keeps_its_formula(tmp_path):
    """The re-saved file says Keras 3.15.1; a root attribute keeps the Keras 1/2 formula across the trip
    (without it the tf-keras fixture's predictions moved by 0.046)."""
    import warnings
    model = keras.models.load_model(os.path.join(FIXTURES, "hard_sigmoid_tf_keras.h5"), compile=False)
    x = np.random.default_rng(0).normal(size=(3, 5, 4)).astype("float32")
    path = str(tmp_path / "again.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to warn about: the file keeps it
        again = _reloaded(model, path)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    with h5py.File(path, "r") as h5:
        assert h5.attrs["tkeras_hard_sigmoid"] == "keras2"
    assert again.get_layer("lstm").get_config()["recurrent_activation"] == "hard_sigmoid"


def test_a_keras3_model_in_h5_is_not_marked_and_keeps_keras3s_formula(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="hard_sigmoid")])
    path = str(tmp_path / "k3.h5")
    again = _reloaded(model, path)
    with h5py.File(path, "r") as h5:
        assert "tkeras_hard_sigmoid" not in h5.attrs
    assert again.layers[-1].activation is keras.activations.hard_sigmoid


def test_where_the_keras2_formula_cannot_be_kept_saving_says_so(tmp_path):
    model = keras.models.load_model(os.path.join(FIXTURES, "hard_sigmoid_tf_keras.h5"), compile=False)
    with pytest.warns(UserWarning, match=r"0\.2x \+ 0\.5.*a \.keras file cannot keep that.*Save to \.h5"):
        model.save(str(tmp_path / "m.keras"))
    mixed = keras.Sequential([model, keras.layers.Dense(1, activation="hard_sigmoid")])
    path = str(tmp_path / "mixed.h5")
    with pytest.warns(UserWarning, match="also has layers with Keras 3's"):
        mixed.save(path)
    with h5py.File(path, "r") as h5:
        assert "tkeras_hard_sigmoid" not in h5.attrs
