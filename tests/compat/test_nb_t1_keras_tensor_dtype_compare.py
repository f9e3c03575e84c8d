"""A functional input's dtype compares equal to TensorFlow's dtypes, as a tf.keras 2 KerasTensor's does.

The CSV tutorial sorts its inputs with `input.dtype == tf.float32` and `input.dtype == tf.string`; with
`dtype` a plain "float32" string and `tf.float32` a torch dtype, no input was numeric and the model
could not be built. The name stays Keras 3's string ("float32") for everything else.
"""
import json

import numpy as np
import torch

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def test_numeric_and_text_inputs_compare_with_tf_dtypes():
    number = keras.Input(shape=(1,), name="age", dtype=tf.float32)
    text = keras.Input(shape=(1,), name="sex", dtype=tf.string)
    assert number.dtype == tf.float32 and tf.float32 == number.dtype
    assert number.dtype != tf.string and not (number.dtype == tf.int32)
    assert text.dtype == tf.string and text.dtype != tf.float32
    assert number.dtype == np.float32 and number.dtype == np.dtype("float32")
    assert keras.Input(shape=(), dtype="int64").dtype == torch.int64


def test_the_name_is_still_keras_3_string():
    dtype = keras.Input(shape=(2,)).dtype
    assert dtype == "float32" and dtype != "float64"
    assert isinstance(dtype, str) and str(dtype) == "float32" and repr(dtype) == "'float32'"
    assert {"float32": 1}[dtype] == 1 and dtype in {"float32"}
    assert json.dumps({"dtype": dtype}) == '{"dtype": "float32"}'


def test_the_csv_tutorial_split_builds_a_model():
    inputs = {"age": keras.Input(shape=(1,), name="age", dtype=tf.float32),
              "fare": keras.Input(shape=(1,), name="fare", dtype=tf.float32),
              "sex": keras.Input(shape=(1,), name="sex", dtype=tf.string)}
    numeric = [tensor for tensor in inputs.values() if tensor.dtype == tf.float32]
    assert [t.name for t in numeric] == ["age", "fare"]
    model = keras.Model(numeric, keras.layers.Concatenate()(numeric))
    out = model([np.ones((2, 1), "float32"), np.zeros((2, 1), "float32")])
    np.testing.assert_array_equal(np.asarray(out), [[1.0, 0.0], [1.0, 0.0]])
