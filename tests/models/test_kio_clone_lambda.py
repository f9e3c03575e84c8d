"""clone_model copies a Lambda around an unregistered function or a lambda, as tf-keras 2 does.

keras-io's DDIM builds its EMA network with `keras.models.clone_model(network)` where the network
embeds noise levels through `layers.Lambda(sinusoidal_embedding)`.
"""
import numpy as np

import tkeras as keras


def _doubled(x):
    return x * 2.0


def _model(layer):
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(2, kernel_initializer="ones")(layer(inputs)))


def test_clone_lambda_of_unregistered_function():
    model = _model(keras.layers.Lambda(_doubled))
    clone = keras.models.clone_model(model)
    assert clone.layers[1] is not model.layers[1]
    assert clone.layers[1].function is _doubled
    np.testing.assert_allclose(clone.predict(np.ones((1, 3), "float32"), verbose=0), np.full((1, 2), 6.0))


def test_clone_lambda_with_closure_and_output_shape():
    factor = 3.0
    model = _model(keras.layers.Lambda(lambda x: x * factor, output_shape=lambda shape: shape))
    clone = keras.models.clone_model(model)
    np.testing.assert_allclose(clone.predict(np.ones((1, 3), "float32"), verbose=0), np.full((1, 2), 9.0))
