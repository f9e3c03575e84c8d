"""TensorFlow's keyword names for the tensor argument of tf.argmax/argmin/top_k (`input=`) and tf.reduce_*
(`input_tensor=`): tensorflow.org's metrics/optimizers migration guide builds a functional model from
`tf.math.argmax(input=logits, axis=1)`; the integrated-gradients tutorial calls `tf.math.top_k(input=...)`.
Checked against NumPy."""
import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

X = np.array([[1.0, 5.0, -2.0], [7.0, 2.0, 3.0]], "float32")


@pytest.mark.parametrize("call, expected", [
    (lambda: tf.math.argmax(input=X, axis=1), np.argmax(X, axis=1)),
    (lambda: tf.argmin(input=X, axis=0), np.argmin(X, axis=0)),
    (lambda: tf.reduce_mean(input_tensor=X), X.mean()),
    (lambda: tf.math.reduce_sum(input_tensor=X, axis=1), X.sum(axis=1)),
    (lambda: tf.reduce_max(input_tensor=X, axis=0, keepdims=True), X.max(axis=0, keepdims=True)),
    (lambda: tf.reduce_min(input_tensor=X), X.min()),
    (lambda: tf.reduce_prod(input_tensor=X, axis=1), X.prod(axis=1)),
])
def test_tf_keyword_spelling_gives_numpy_result(call, expected):
    np.testing.assert_allclose(np.asarray(call()), expected, rtol=1e-6)


def test_top_k_input_keyword_in_math_and_nn():
    """tensorflow.org's integrated-gradients tutorial: `tf.math.top_k(input=probs, k=k)`."""
    for namespace in (tf.math, tf.nn):
        values, indices = namespace.top_k(input=X, k=2)
        np.testing.assert_allclose(np.asarray(values), -np.sort(-X, axis=1)[:, :2])
        np.testing.assert_array_equal(np.asarray(indices), np.argsort(-X, axis=1)[:, :2])


def test_argmax_keeps_tensorflow_int64_output_under_keyword():
    assert str(tf.math.argmax(input=X, axis=1).dtype).endswith("int64")


def test_functional_model_over_argmax_input_keyword():
    inputs = keras.Input((3,))
    logits = keras.layers.Dense(3, kernel_initializer="identity", bias_initializer="zeros")(inputs)
    model = keras.Model(inputs, tf.math.argmax(input=logits, axis=1))
    np.testing.assert_array_equal(np.asarray(model.predict(X, verbose=0)), np.argmax(X, axis=1))


def test_tensor_given_twice_is_refused():
    with pytest.raises(TypeError, match="input_tensor"):
        tf.reduce_sum(X, input_tensor=X)
