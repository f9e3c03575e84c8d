"""TextVectorization called eagerly on text hands user code the same tensor type as other layers and
StringLookup do (in Keras 3 on TensorFlow all of them return an EagerTensor, a tf.Tensor). Recorded from
Keras 3.15.1 by tests/fixtures/make_kio_text_vectorization_output_type_reference.py."""
import json
import os

import numpy as np

import tkeras as keras
import tkeras.compat.tf_namespace as tf

_REFERENCE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures",
                          "kio_text_vectorization_output_type_reference.json")


def _reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def _vectorizer():
    layer = keras.layers.TextVectorization(output_sequence_length=4)
    layer.adapt(["a b c", "b c d"])
    return layer


def test_eager_call_returns_the_type_other_layers_return():
    reference = _reference()
    dense = keras.layers.Dense(2)(np.ones((1, 2), "float32"))
    outputs = {"text_vectorization": _vectorizer()(["a b", "c"]),
               "string_lookup": keras.layers.StringLookup(vocabulary=["a", "b"])(["a", "b"]), "dense": dense}
    assert {name: type(value) is type(dense) for name, value in outputs.items()} == reference["same_type_as_dense"]
    assert {name: isinstance(value, tf.Tensor) for name, value in outputs.items()} == reference["is_tf_tensor"]
    np.testing.assert_array_equal(np.asarray(outputs["text_vectorization"]), reference["text_vectorization_indices"])


def test_model_starting_with_vectorizer_still_runs():
    inputs = keras.Input(shape=(), dtype="string")
    model = keras.Model(inputs, _vectorizer()(inputs))
    np.testing.assert_array_equal(model.predict(np.array(["d a"], dtype=object), verbose=0),
                                  _reference()["model_indices"])
