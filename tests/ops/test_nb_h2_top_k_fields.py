"""Hands-On ML ch. 16's beam search reads `tf.math.top_k(probas, k).values` and `.indices`; Keras code unpacks
`values, indices = ops.top_k(...)`. Both work on TensorFlow's named result; values checked against NumPy."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def test_top_k_result_has_values_and_indices_fields():
    probas = np.array([0.1, 0.5, 0.2, 0.9, 0.3], dtype="float32")
    result = tf.math.top_k(probas, k=3)
    expected = np.argsort(-probas)[:3]
    np.testing.assert_array_equal(np.asarray(result.indices), expected)
    np.testing.assert_allclose(np.asarray(result.values), probas[expected])
    assert str(result.indices.dtype).endswith("int32")
    pairs = [(float(p), int(i)) for p, i in zip(result.values, result.indices)]
    assert pairs == [(float(probas[i]), int(i)) for i in expected]


def test_top_k_still_unpacks_as_a_pair():
    values, indices = keras.ops.top_k(np.array([[3, 1, 2]]), k=2)
    np.testing.assert_array_equal(np.asarray(values), [[3, 2]])
    np.testing.assert_array_equal(np.asarray(indices), [[0, 2]])
    values, indices = tf.nn.top_k(np.array([1.0, 3.0, 2.0]), k=1)
    assert float(values[0]) == 3.0 and int(indices[0]) == 1
