"""A Sequential model without an Input keeps its first batch's size only where every batch has it (tf-keras 2
and Keras 3 on TensorFlow: an uneven last batch or a dataset leaves None), and a model that starts with an
Input keeps that Input's shape when `build()` is given another (tf-keras 2; Keras 3 raises).

Reference: tests/fixtures/sequential_first_batch_reference.json (make_sequential_first_batch_reference.py).
"""
import json
import pathlib

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

REFERENCE = json.loads((pathlib.Path(__file__).parent.parent / "fixtures"
                        / "sequential_first_batch_reference.json").read_text())
KERAS_3 = REFERENCE["keras_3_tensorflow"]["first_run"]
TF_KERAS_2 = REFERENCE["tf_keras_2"]["first_run"]


def first_run(how, rows, batch_size):
    model = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    x, y = np.zeros((rows, 3), "float32"), np.zeros((rows, 2), "float32")
    if how == "fit":
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    elif how == "evaluate":
        model.evaluate(x, y, batch_size=batch_size, verbose=0)
    elif how == "fit_validation_split":
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, validation_split=0.2)
    elif how == "fit_dataset":
        model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size), epochs=1, verbose=0)
    return model


@pytest.mark.parametrize("case", sorted(KERAS_3))
def test_the_input_shape_keeps_the_batch_size_only_when_every_batch_has_it(case):
    how, rows, batch_size = case.split(":")
    model = first_run(how, int(rows), int(batch_size))
    assert list(model.input_shape) == KERAS_3[case]
    assert list(model.get_build_config()["input_shape"]) == KERAS_3[case]


def test_the_two_tensorflow_kerases_agree_except_after_a_validation_split():
    differing = sorted(case for case in KERAS_3 if KERAS_3[case] != TF_KERAS_2[case])
    assert differing == ["fit_validation_split:10:4"]  # tkeras follows Keras 3 there


def test_build_with_another_shape_after_an_input_is_ignored_with_a_warning():
    expected = REFERENCE["tf_keras_2"]["build_after_input"]
    assert REFERENCE["keras_3_tensorflow"]["build_after_input"] == {"raises": "ValueError"}
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Reshape((784,)), keras.layers.Dense(3)])
    with pytest.warns(UserWarning, match=r"already has the input shape \(None, 28, 28, 1\) from its Input; "
                                         r"build\(input_shape=\(None, 784\)\) is ignored"):
        model.build(input_shape=(None, 784))
    assert list(model.input_shape) == expected["input_shape"]
    assert list(model.output_shape) == expected["output_shape"]
    assert model(np.ones((2, 28, 28, 1), "float32")).shape == (2, 3)


def test_build_with_the_input_shape_itself_warns_nothing(recwarn):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.build((None, 3))
    assert not [w for w in recwarn if "is ignored" in str(w.message)]
