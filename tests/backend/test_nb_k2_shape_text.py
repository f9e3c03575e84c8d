"""Shapes and symbolic tensors print as Keras prints them (혼자 공부하는 머신러닝+딥러닝, chapter 8-3).

The book prints `conv.weights[0].shape` and `model.inputs` of a loaded CNN and shows Keras' text as the
result; the reference texts were recorded from Keras 3.15.1 by
tests/fixtures/make_nb_k2_shape_text_reference.py.
"""
import json
import os
import re

import numpy as np
import torch

import tkeras as keras

_REFERENCE_PATH = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "nb_k2_shape_text_reference.json")
with open(_REFERENCE_PATH) as handle:
    REFERENCE = json.load(handle)


def _cnn():
    return keras.Sequential([keras.Input((28, 28, 1)),
                             keras.layers.Conv2D(32, kernel_size=3, padding="same"),
                             keras.layers.Flatten(),
                             keras.layers.Dense(10)])


def _without_names(text):
    return re.sub(r"name=[\w]+", "name=<name>", text)


def test_weight_shapes_print_as_tuples():
    conv = _cnn().layers[0]
    assert " ".join(str(w.shape) for w in conv.weights) == REFERENCE["print_weight_shapes"]


def test_weight_shapes_stay_tuples_that_torch_accepts():
    model = _cnn()
    assert [list(w.shape) for w in model.weights] == REFERENCE["weight_shapes"]
    kernel = model.layers[0].kernel
    assert isinstance(kernel.shape, tuple) and not isinstance(kernel.shape, torch.Size)
    assert kernel.shape == torch.Size([3, 3, 1, 32]) and kernel.get_shape().as_list() == [3, 3, 1, 32]
    assert torch.zeros(kernel.shape).shape == (3, 3, 1, 32)
    assert np.zeros(kernel.shape).shape == (3, 3, 1, 32)


def test_symbolic_tensors_repr_as_keras_3():
    model = _cnn()
    functional = keras.Model(model.inputs, model.layers[0].output)
    assert _without_names(repr(model.inputs)) == _without_names(REFERENCE["inputs_repr"])
    assert _without_names(repr(functional.outputs)) == _without_names(REFERENCE["functional_output_repr"])


def test_learning_rate_repr_shows_the_float32_value_in_full():
    model = _cnn()
    optimizer = keras.optimizers.Adam()
    optimizer.build(model.trainable_weights)
    assert repr(optimizer.learning_rate) == REFERENCE["learning_rate_repr"]


def test_scalar_variable_reprs():
    values = {"float32": (0.1, "float32"), "float16": (0.1, "float16"), "float32_tiny": (1e-8, "float32"),
              "int32": (7, "int32"), "bool": (True, "bool")}
    for name, (value, dtype) in values.items():
        assert repr(keras.Variable(value, name="v", dtype=dtype)) == REFERENCE["scalar_reprs"][name], name
