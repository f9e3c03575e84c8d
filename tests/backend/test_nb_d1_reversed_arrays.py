"""NumPy arrays that are reversed views (`x[..., ::-1]`, what `vgg19.preprocess_input` returns for an
RGB->BGR swap) become variables and backend constants as their values, as in TensorFlow: torch itself
refuses negative strides. Deep Learning with Python's style transfer starts from
`K.variable(preprocess_input(image))` / `tf.Variable(preprocess_input(image))`."""
import numpy as np

import tkeras as keras
from tkeras import backend as K
from tkeras.compat import tf_namespace as tf

IMAGE = np.arange(2 * 3 * 3, dtype="float32").reshape(1, 2, 3, 3)
BGR = IMAGE[..., ::-1]


def test_variables_from_reversed_views():
    assert any(step < 0 for step in BGR.strides)
    np.testing.assert_array_equal(tf.Variable(BGR).numpy(), BGR)
    np.testing.assert_array_equal(K.get_value(K.variable(BGR)), BGR)
    np.testing.assert_array_equal(keras.Variable(BGR).numpy(), BGR)


def test_backend_functions_take_reversed_views():
    np.testing.assert_array_equal(K.eval(K.constant(BGR)), BGR)
    np.testing.assert_allclose(K.eval(K.sum(BGR)), BGR.sum())
    np.testing.assert_allclose(K.eval(K.square(BGR)), np.square(BGR))


def test_a_known_batch_keeps_a_leading_two():
    """`Input(batch_shape=(3, 2, 5))[1]` is (2, 5) (Keras); with an unknown batch a leading 2 stays open,
    since the batch probe cannot be told from it. DLwP 1st edition's style transfer reads
    `combination_features = layer_features[2, :, :, :]` from a batch of three known images."""
    known = keras.Input(batch_shape=(3, 2, 5))
    assert tuple(known[1].shape) == (2, 5)
    features = K.batch_flatten(K.permute_dimensions(keras.Input(batch_shape=(1, 4, 4, 3))[0], (2, 0, 1)))
    assert tuple(K.dot(features, K.transpose(features)).shape) == (3, 3)
