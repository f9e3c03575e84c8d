"""`tf.reshape` in a functional graph with dims computed from `tf.shape(...)` or left as -1, as keras-io's
semantic-image-clustering example writes it. The expected symbolic shapes are TensorFlow's (checked with
tf-keras 2.21); the values are NumPy's reshape of the same data."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def _graph():
    inputs = keras.Input((4,))
    features = keras.layers.Dense(20, kernel_initializer="ones")(inputs)
    outputs = [
        tf.reshape(features, shape=(-1, 5, tf.shape(features)[-1])),
        tf.reshape(features, (tf.shape(features)[0], 4, 5)),
        tf.reshape(features, (tf.shape(features)[0] * 2, tf.shape(features)[1] // 2)),
        tf.reshape(features, (5, -1)),
    ]
    return keras.Model(inputs, outputs), outputs


def test_symbolic_shapes_follow_tensorflow():
    _, outputs = _graph()
    assert [tuple(o.shape) for o in outputs] == [(None, 5, 20), (None, 4, 5), (None, 10), (5, None)]


def test_values_match_numpy_reshape():
    model, _ = _graph()
    x = np.arange(40, dtype="float32").reshape(10, 4)
    features = x @ np.ones((4, 20), "float32")
    got = model.predict(x, verbose=0)
    expected = [features.reshape(-1, 5, 20), features.reshape(10, 4, 5), features.reshape(20, 10),
                features.reshape(5, -1)]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e)
