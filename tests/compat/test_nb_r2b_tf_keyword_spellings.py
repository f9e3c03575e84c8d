"""TensorFlow's keyword names for the leading tensor arguments (`tf.reshape(tensor=...)`,
`tf.transpose(a=...)`, `tf.matmul(a=..., b=...)`, `tf.squeeze(input=...)`, `tf.add(x=..., y=...)`,
`tf.nn.softmax(logits=...)`), as TensorFlow 2.21 accepts them; results against NumPy."""
import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

X = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]], "float32")


def _np(value):
    return np.asarray(keras.ops.convert_to_numpy(value))


@pytest.mark.parametrize("call, expected", [
    (lambda: tf.reshape(tensor=X, shape=[3, 2]), X.reshape(3, 2)),
    (lambda: tf.transpose(a=X, perm=[1, 0]), X.T),
    (lambda: tf.matmul(a=X, b=X.T), X @ X.T),
    (lambda: tf.matmul(X, b=X, transpose_b=True), X @ X.T),
    (lambda: tf.linalg.matmul(a=X, b=X.T), X @ X.T),
    (lambda: tf.squeeze(input=X[None], axis=0), X),
    (lambda: tf.expand_dims(input=X, axis=0), X[None]),
    (lambda: tf.cast(x=X, dtype=tf.int32), X.astype("int32")),
    (lambda: tf.concat(values=[X, X], axis=0), np.concatenate([X, X])),
    (lambda: tf.stack(values=[X, X], axis=1), np.stack([X, X], axis=1)),
    (lambda: tf.unstack(value=X, axis=0)[1], X[1]),
    (lambda: tf.add(x=X, y=1.0), X + 1.0),
    (lambda: tf.subtract(y=X, x=2.0 * X), X),
    (lambda: tf.math.multiply(x=X, y=X), X * X),
    (lambda: tf.maximum(x=X, y=0.0), np.maximum(X, 0.0)),
    (lambda: tf.math.greater(x=X, y=0.0), X > 0),
    (lambda: tf.zeros_like(input=X), np.zeros_like(X)),
    (lambda: tf.broadcast_to(input=X[:1], shape=[2, 3]), np.broadcast_to(X[:1], (2, 3))),
    (lambda: tf.reverse(tensor=X, axis=[1]), X[:, ::-1]),
    (lambda: tf.norm(tensor=X, axis=1), np.linalg.norm(X, axis=1)),
    (lambda: tf.sort(values=X, axis=1), np.sort(X, axis=1)),
    (lambda: tf.boolean_mask(tensor=X, mask=[True, False]), X[:1]),
    (lambda: tf.eye(num_rows=2), np.eye(2)),
    (lambda: tf.nn.relu(features=X), np.maximum(X, 0.0)),
])
def test_tensorflow_keyword_spellings(call, expected):
    np.testing.assert_allclose(_np(call()), expected, rtol=1e-6, atol=1e-6)


def test_softmax_takes_logits_keyword():
    exp = np.exp(X - X.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(_np(tf.nn.softmax(logits=X, axis=-1)), exp / exp.sum(-1, keepdims=True), rtol=1e-6)


def test_argument_given_twice_or_out_of_order_is_a_clear_error():
    with pytest.raises(TypeError, match="twice"):
        tf.matmul(X, a=X)
    with pytest.raises(TypeError, match="'x'"):
        tf.add(y=X)


def test_aliases_stay_one_function_and_record_on_symbolic_tensors():
    assert tf.add is tf.math.add and tf.matmul is tf.linalg.matmul
    inputs = keras.Input((2, 3))
    model = keras.Model(inputs, tf.transpose(a=tf.reshape(tensor=inputs, shape=[-1, 3, 2]), perm=[0, 2, 1]))
    np.testing.assert_allclose(model.predict(X[None], verbose=0)[0], X.reshape(3, 2).T)


def test_unique_names_its_parts_like_tensorflow():
    result = tf.unique([3, 1, 3, 2])
    np.testing.assert_array_equal(_np(result.y), [3, 1, 2])
    np.testing.assert_array_equal(_np(result.idx), [0, 1, 0, 2])
    values, counts = tf.unique_with_counts([5, 5, 7]).y, tf.unique_with_counts([5, 5, 7]).count
    np.testing.assert_array_equal(_np(values), [5, 7])
    np.testing.assert_array_equal(_np(counts), [2, 1])
