"""`keras.ops.image.resize` is an op like its neighbours: on a KerasTensor it records a node of the
functional graph (Keras 3 examples resize inside `keras.Model(inputs, outputs)` graphs), and eagerly it
hands back a tensor NumPy converts without NumPy 2's `__array__(copy=...)` deprecation warning."""
import warnings

import numpy as np

import tkeras as keras


def test_resize_builds_a_functional_graph():
    inputs = keras.Input((8, 6, 3))
    outputs = keras.ops.image.resize(inputs, (4, 3))
    assert tuple(outputs.shape) == (None, 4, 3, 3)
    model = keras.Model(inputs, outputs)
    constant = np.full((2, 8, 6, 3), 5.0, "float32")  # a constant image stays constant under bilinear resizing
    np.testing.assert_allclose(model.predict(constant, verbose=0), np.full((2, 4, 3, 3), 5.0), rtol=1e-6)


def test_eager_result_converts_quietly():
    image = np.arange(4 * 4 * 3, dtype="float32").reshape(4, 4, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        resized = np.array(keras.ops.image.resize(image, (2, 2), interpolation="nearest"))
    assert resized.shape == (2, 2, 3)
    # nearest with half-pixel centres picks rows/cols 1 and 3 of a 4 -> 2 downsizing (as Keras on TensorFlow)
    np.testing.assert_array_equal(resized, image[1::2, 1::2])
