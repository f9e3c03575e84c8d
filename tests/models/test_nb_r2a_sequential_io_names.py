"""A Sequential model's `input_names` / `output_names`, as tf-keras 2 gives them.

Hands-On ML ch. 19 fills a TF Serving request with `request.inputs[model.input_names[0]]` ("flatten_input")
and reads the reply by `model.output_names[0]`; compile() and fit() take dicts keyed by the output's name.
The expected names were recorded from tf-keras 2.21 by
tests/fixtures/make_nb_r2a_sequential_io_names_reference.py, whose scenarios these mirror.
"""
import json
from pathlib import Path

import numpy as np
import pytest

import tkeras as keras
from tkeras import layers

REFERENCE = json.loads((Path(__file__).parents[1] / "fixtures" /
                        "nb_r2a_sequential_io_names_reference.json").read_text())


def first_layer_input_shape():
    return keras.Sequential([layers.Flatten(input_shape=[28, 28], dtype="uint8"), layers.Dense(3, name="dd")])


def layer_added_later():
    model = first_layer_input_shape()
    model.add(layers.Dense(2, name="ee"))
    return model


def unbuilt():
    return keras.Sequential([layers.Dense(3, name="d1")])


def built_from_shape():
    model = unbuilt()
    model.build((None, 4))
    return model


def called_on_data():
    model = keras.Sequential([layers.Dense(3, name="d")])
    model(np.zeros((2, 4), "float32"))
    return model


def own_input():
    return keras.Sequential([keras.Input((4,), name="inp"), layers.Dense(3, name="d")])


def nested_first():
    inner = keras.Sequential([layers.Dense(3, name="in1", input_shape=(4,))], name="inner")
    return keras.Sequential([inner, layers.Dense(2, name="o")])


def added_with_input_dim():
    model = keras.Sequential()
    model.add(layers.Dense(2, name="q", input_dim=3))
    return model


SCENARIOS = [first_layer_input_shape, layer_added_later, unbuilt, built_from_shape, called_on_data, own_input,
             nested_first, added_with_input_dim]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_names_match_tf_keras(scenario):
    model = scenario()
    expected = REFERENCE[scenario.__name__]
    assert model.input_names == expected["input_names"]
    assert model.output_names == expected["output_names"]


def test_compile_and_fit_take_dicts_keyed_by_the_output_name():
    model = keras.Sequential([layers.Dense(1, name="out", input_shape=(2,), kernel_initializer="ones")])
    model.compile(loss={"out": "mse"}, optimizer="sgd")
    x = np.ones((4, 2), "float32")
    y = np.full((4, 1), 3.0, "float32")
    history = model.fit(x, {"out": y}, epochs=1, verbose=0)
    assert sorted(history.history) == ["loss"]
    assert history.history["loss"][0] == pytest.approx(1.0)  # (2 - 3)^2 before the first step


def test_names_can_be_set_by_a_subclass():
    model = own_input()
    model.output_names = ["renamed"]
    assert model.output_names == ["renamed"]
