"""tf-keras 2 reads a bare int shape as a one-axis sample: `Input(shape=2)` is `Input(shape=(2,))`.

keras-io's Real NVP builds its coupling networks with `keras.layers.Input(shape=2)`.
"""
import numpy as np

import tkeras as keras


def test_input_with_int_shape():
    inputs = keras.layers.Input(shape=2)
    assert tuple(inputs.shape) == (None, 2)
    model = keras.Model(inputs, keras.layers.Dense(3)(inputs))
    assert model.predict(np.zeros((4, 2), "float32"), verbose=0).shape == (4, 3)


def test_input_layer_with_int_input_shape():
    layer = keras.layers.InputLayer(input_shape=3, batch_size=5)
    assert layer.get_config()["batch_shape"] == [5, 3]
