"""compile()'s loss given for some outputs only (`loss=[None, "mse"]`) takes a single target array for
the outputs that have a loss, and a model built with `outputs=[t]` is a single-output model whose
one-element prediction list meets a plain target array (keras-io's masked_language_modeling), as in
Keras 3. Reference values: tests/fixtures/kio_dict_outputs_reference.json."""
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
        return json.load(f)


def _two_output_model():
    inputs = keras.Input((3,), name="i")
    a = layers.Dense(1, name="a", kernel_initializer="ones")(inputs)
    b = layers.Dense(2, name="b", kernel_initializer="ones")(inputs)
    return keras.Model(inputs, [a, b])


def _data():
    x = np.linspace(0, 1, 12, dtype="float32").reshape(4, 3)
    y_a = np.linspace(0, 3, 4, dtype="float32").reshape(4, 1)
    y_b = np.linspace(-1, 1, 8, dtype="float32").reshape(4, 2)
    return x, y_a, y_b


def test_single_target_goes_to_the_output_with_a_loss(reference):
    expected = reference["partial_loss"]
    model = _two_output_model()
    x, y_a, y_b = _data()
    model.compile(optimizer="sgd", loss=[None, "mse"])
    got = model.evaluate(x, y_b, verbose=0, return_dict=True)
    np.testing.assert_allclose(got["loss"], expected["none_mse_eval"]["loss"], rtol=1e-5)
    model.compile(optimizer="sgd", loss=["mae", None])
    got = model.evaluate(x, y_a, verbose=0, return_dict=True)
    np.testing.assert_allclose(got["loss"], expected["mae_none_eval"]["loss"], rtol=1e-5)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss=[None, "mse"])
    history = model.fit(x, y_b, verbose=0, batch_size=4)
    np.testing.assert_allclose(history.history["loss"][0], expected["none_mse_fit"]["loss"], rtol=1e-5)


def test_too_few_targets_is_a_clear_error():
    model = _two_output_model()
    x, y_a, _ = _data()
    model.compile(optimizer="sgd", loss=["mse", "mse"])
    with pytest.raises(ValueError, match="2 outputs"):
        model.evaluate(x, [y_a], verbose=0)  # (one bare array is every output's target: tf-keras 2)


def test_one_element_output_list_meets_a_plain_target(reference):
    expected = reference["single_output_list"]
    inputs = keras.Input((3,), name="i")
    probability = layers.Dense(1, activation="sigmoid", name="p", kernel_initializer="ones")(inputs)
    model = keras.Model([inputs], [probability])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)
    y = np.array([0, 1, 1, 0], "float32")
    assert model.output_names == expected["output_names"]
    got = model.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(got) == sorted(expected["eval"])
    for key, value in expected["eval"].items():
        np.testing.assert_allclose(got[key], value, rtol=1e-5, err_msg=key)
    prediction = model.predict(x, verbose=0)
    np.testing.assert_allclose(np.asarray(prediction).reshape(4, 1), expected["predict"], rtol=1e-5)
