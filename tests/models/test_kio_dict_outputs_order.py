"""A functional model with dict inputs/outputs orders them as Keras 3 does: `inputs`, `outputs` and
`output_names` in sorted key order, so compile()'s lists (loss, loss_weights, metrics) and a list of
targets land on the same outputs as in Keras, while `model.input`/`model.output`, predictions, the
config and the per-output log names keep the dicts as written.

Reference values: tests/fixtures/kio_dict_outputs_reference.json (make_kio_dict_outputs_reference.py).
"""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras import layers

_FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_dict_outputs_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(_FIXTURE) as f:
        return json.load(f)["dict_model"]


def _dict_model():
    zeta = keras.Input((3,), name="zeta")
    alpha = keras.Input((2,), name="alpha")
    joined = layers.concatenate([zeta, alpha])
    priority = layers.Dense(1, name="priority")(joined)
    department = layers.Dense(4, name="department")(joined)
    model = keras.Model(inputs={"zeta": zeta, "alpha": alpha},
                        outputs={"priority": priority, "department": department})
    model.get_layer("priority").set_weights([np.linspace(-1, 1, 5, dtype="float32").reshape(5, 1),
                                             np.array([0.1], "float32")])
    model.get_layer("department").set_weights([np.linspace(-0.5, 0.7, 20, dtype="float32").reshape(5, 4),
                                               np.array([0.0, 0.1, -0.1, 0.2], "float32")])
    return model


def _data():
    xs = {"zeta": np.linspace(0, 1, 18, dtype="float32").reshape(6, 3),
          "alpha": np.linspace(-1, 0.5, 12, dtype="float32").reshape(6, 2)}
    ys = {"priority": np.linspace(0, 2, 6, dtype="float32").reshape(6, 1),
          "department": np.linspace(-1, 1, 24, dtype="float32").reshape(6, 4)}
    return xs, ys


def _assert_logs(got, expected):
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, rtol=1e-5, atol=1e-6, err_msg=key)


def test_structure_follows_sorted_keys_and_keeps_the_dicts(reference):
    model = _dict_model()
    assert model.output_names == reference["output_names"]
    assert [t._keras_history[0].name for t in model.outputs] == reference["outputs_layers"]
    assert [t._keras_history[0].name for t in model.inputs] == reference["inputs_layers"]
    assert list(model.input) == reference["input_keys"]
    assert list(model.output) == reference["output_keys"]
    config = model.get_config()
    assert config["input_layers"] == reference["config_input_layers"]
    assert config["output_layers"] == reference["config_output_layers"]


def test_predict_and_config_round_trip(reference):
    model = _dict_model()
    xs, _ = _data()
    prediction = model.predict(xs, verbose=0)
    assert isinstance(prediction, dict) and list(prediction) == reference["predict_keys"]
    for key in prediction:
        np.testing.assert_allclose(prediction[key], reference["predict"][key], rtol=1e-5, atol=1e-6)
    restored = keras.Model.from_config(model.get_config())
    restored.set_weights(model.get_weights())
    assert restored.output_names == reference["restored_output_names"]
    assert [t._keras_history[0].name for t in restored.inputs] == reference["restored_inputs_layers"]
    again = restored.predict(xs, verbose=0)
    for key in again:
        np.testing.assert_allclose(again[key], reference["restored_predict"][key], rtol=1e-5, atol=1e-6)


def test_loss_list_lands_on_sorted_outputs(reference):
    model = _dict_model()
    xs, ys = _data()
    model.compile(optimizer="sgd", loss=["mse", "mae"], loss_weights=[1.0, 0.0])
    _assert_logs(model.evaluate(xs, ys, verbose=0, return_dict=True), reference["list_loss_eval"])
    np.testing.assert_allclose(model.evaluate(xs, ys, verbose=0), reference["list_loss_eval_list"], rtol=1e-5)
    assert model.metrics_names == reference["list_loss_metrics_names"]


def test_loss_dict_and_targets_as_a_list(reference):
    model = _dict_model()
    xs, ys = _data()
    model.compile(optimizer="sgd", loss={"priority": "mse", "department": "mae"},
                  loss_weights={"priority": 2.0, "department": 0.5})
    _assert_logs(model.evaluate(xs, ys, verbose=0, return_dict=True), reference["dict_loss_eval"])
    listed = model.evaluate(xs, [ys["department"], ys["priority"]], verbose=0, return_dict=True)
    _assert_logs(listed, reference["dict_loss_list_y_eval"])


def test_metrics_list_of_lists_follow_sorted_outputs(reference):
    model = _dict_model()
    xs, ys = _data()
    model.compile(optimizer="sgd", loss="mse", metrics=[["mae"], ["mse"]])
    _assert_logs(model.evaluate(xs, ys, verbose=0, return_dict=True), reference["list_metrics_eval"])


def test_list_inputs_for_a_dict_model_follow_sorted_keys(reference):
    zeta = keras.Input((3,), name="zeta")
    alpha = keras.Input((2,), name="alpha")
    summed = layers.Dense(1, name="out", kernel_initializer="ones")(layers.concatenate([zeta, alpha]))
    model = keras.Model({"alpha": alpha, "zeta": zeta}, summed)
    got = model.predict([np.ones((2, 2), "float32"), 2 * np.ones((2, 3), "float32")], verbose=0)
    np.testing.assert_allclose(got, reference["sorted_model_list_input_predict"], rtol=1e-6)


def test_fit_with_dict_inputs_in_any_key_order():
    model = _dict_model()
    xs, ys = _data()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss=["mse", "mae"], loss_weights=[1.0, 0.0])
    history = model.fit({"alpha": xs["alpha"], "zeta": xs["zeta"]}, ys, verbose=0, batch_size=6)
    expected = model.evaluate(xs, ys, verbose=0, return_dict=True)
    np.testing.assert_allclose(history.history["loss"][0], expected["loss"], rtol=1e-5)


def test_clone_keeps_dict_inputs_in_place():
    zeta = keras.Input((3,), name="zeta")
    alpha = keras.Input((2,), name="alpha")
    model = keras.Model({"zeta": zeta, "alpha": alpha}, layers.Dense(1)(layers.concatenate([zeta, alpha])))
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    xs, _ = _data()
    np.testing.assert_allclose(copy.predict(xs, verbose=0), model.predict(xs, verbose=0), rtol=1e-6)
