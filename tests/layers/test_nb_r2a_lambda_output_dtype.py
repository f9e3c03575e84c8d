"""A Lambda layer's symbolic output has the dtype its function gives, as tf-keras 2 and Keras 3 trace it.

Hands-On ML 2nd ed. ch. 16 builds a mask with `Lambda(lambda inputs: K.not_equal(inputs, 0))(inputs)` and
passes it to `GRU(...)(z, mask=mask)`: the KerasTensor must be boolean, not the layer's float32. Expected
dtypes were recorded from tf-keras 2.21 by tests/fixtures/make_nb_r2a_lambda_output_dtype_reference.py.
"""
import json
from pathlib import Path

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

K = keras.backend
REFERENCE = json.loads((Path(__file__).parents[1] / "fixtures" /
                        "nb_r2a_lambda_output_dtype_reference.json").read_text())

CASES = {
    "backend_not_equal": ("float32", lambda x: K.not_equal(x, 0)),
    "tf_not_equal": ("float32", lambda x: tf.not_equal(x, 0)),
    "comparison_operator": ("float32", lambda x: x > 0),
    "cast_to_int32": ("float32", lambda x: tf.cast(x, tf.int32)),
    "argmax": ("float32", lambda x: tf.argmax(x, axis=-1)),
    "int_input_plus_one": ("int32", lambda x: x + 1),
    "float_scaled": ("float32", lambda x: x / 2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_lambda_output_dtype_matches_tf_keras(name):
    input_dtype, function = CASES[name]
    inputs = keras.Input(shape=[None], dtype=input_dtype)
    assert keras.layers.Lambda(function)(inputs).dtype == REFERENCE[name]


def test_boolean_lambda_mask_feeds_a_recurrent_layer():
    inputs = keras.Input(shape=[None])
    mask = keras.layers.Lambda(lambda ids: K.not_equal(ids, 0))(inputs)
    embedded = keras.layers.Embedding(10, 4)(inputs)
    outputs = keras.layers.GRU(3)(embedded, mask=mask)
    model = keras.Model(inputs, outputs)
    ids = np.array([[3, 5, 0, 0], [3, 5, 7, 0]], "float32")
    both = model.predict(ids, verbose=0)
    trimmed = model.predict(ids[:1, :2], verbose=0)
    assert mask.dtype == "bool"
    np.testing.assert_allclose(both[0], trimmed[0], rtol=1e-5, atol=1e-6)  # padded steps are skipped


def test_explicit_output_shape_still_names_the_shape():
    inputs = keras.Input(shape=[6])
    out = keras.layers.Lambda(lambda x: x[:, :3], output_shape=(3,))(inputs)
    assert tuple(out.shape) == (None, 3)
