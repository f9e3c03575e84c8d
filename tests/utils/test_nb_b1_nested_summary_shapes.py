"""summary() of a subclassed model prints the output shape of the models it holds whose inputs were
declared (their graph fixes it), and "multiple" for its other layers, as tf-keras 2 prints it (Keras 3
agrees on the nested models; recorded by tests/fixtures/make_nb_b1_nested_summary_reference.py)."""
import json
import os
import re

import numpy as np

import tkeras as keras

_PATH = os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb_b1_nested_summary_reference.json")
with open(_PATH) as f:
    _REFERENCE = json.load(f)["shapes"]


class Holder(keras.Model):
    def __init__(self):
        super().__init__()
        layers = keras.layers
        self.declared = keras.Sequential([layers.Dense(4, input_shape=(3,))], name="declared")
        self.with_input = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(5)], name="with_input")
        inputs = keras.Input(shape=(5,))
        self.functional = keras.Model(inputs, layers.Dense(2)(inputs), name="block")
        self.head = layers.Dense(1, name="head")

    def call(self, x):
        return self.head(self.functional(self.with_input(self.declared(x))))


def _printed_shapes(model):
    lines = []
    model.summary(print_fn=lines.append)
    shapes = {}
    for line in "\n".join(lines).splitlines():
        match = re.match(r"^\s*(\w+) \(\w+\)\s+(\([^)]*\)|multiple)", line)
        if match:
            shapes[match.group(1)] = match.group(2)
    return shapes


def test_nested_models_with_declared_inputs_show_their_output_shape():
    model = Holder()
    model(np.zeros((6, 3), "float32"))
    shapes = _printed_shapes(model)
    reference = _REFERENCE["tf_keras"]
    for name in ("declared", "with_input", "block", "head"):
        assert shapes[name] == reference[name], name
    for name in ("declared", "with_input", "block"):
        assert shapes[name] == _REFERENCE["keras"][name], name
