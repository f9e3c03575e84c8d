"""`tf.function` extras Hands-On ML 3 (chapter 12) calls: concrete functions, input_signature, python_function."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


def test_concrete_function_is_cached_per_shape_and_dtype():
    @tf.function
    def tf_cube(x):
        return x ** 3

    concrete = tf_cube.get_concrete_function(tf.constant(2.0))
    assert float(concrete(tf.constant(2.0))) == 8.0
    assert concrete is tf_cube.get_concrete_function(tf.constant(3.0))
    assert concrete is not tf_cube.get_concrete_function(tf.constant([2.0]))
    assert concrete is not tf_cube.get_concrete_function(tf.constant(2))
    assert tf_cube.python_function.__name__ == "tf_cube"


def test_input_signature_accepts_matching_batches_and_rejects_others():
    @tf.function(input_signature=[tf.TensorSpec([None, 28, 28], tf.float32)])
    def shrink(images):
        return images[:, ::2, ::2]

    images = np.random.default_rng(0).random((5, 28, 28)).astype("float32")
    np.testing.assert_array_equal(shrink(tf.constant(images)).numpy(), images[:, ::2, ::2])
    with pytest.raises(TypeError, match="input_signature"):
        shrink(tf.constant(np.zeros((2, 2, 2), "float32")))
    with pytest.raises(TypeError, match="input_signature"):
        shrink(tf.constant(np.zeros((2, 28, 28), "float64")))


def test_method_with_signature_skips_self():
    class Scaler:
        factor = 3.0

        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def scale(self, x):
            return x * self.factor

    np.testing.assert_allclose(Scaler().scale(tf.constant([1.0, 2.0])).numpy(), [3.0, 6.0])
