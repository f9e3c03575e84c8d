"""tf.keras 2 idioms in functional models (keras-io `stylegan`): unpacking a symbolic tensor whose first
dimension is known (`n, h, w, c = tf.shape(images)`), and calling a model with a dict whose value is a
list of arrays of different shapes (`{"noise": [noise_4x4, noise_8x8]}`), which tf.nest reads as a
structure of tensors."""
import numpy as np
import pytest

import tkeras
from tkeras.compat import tf_namespace as tf


def test_unpacking_a_symbolic_shape_builds_a_working_graph():
    images = tkeras.Input((4, 6, 3))
    n, h, w, c = tf.shape(images)
    flat = tf.reshape(images, [n, h * w, c])
    model = tkeras.Model(images, flat)
    x = np.arange(2 * 4 * 6 * 3, dtype="float32").reshape(2, 4, 6, 3)
    np.testing.assert_array_equal(model.predict(x, verbose=0), x.reshape(2, 24, 3))


def test_unpacking_along_the_batch_dimension_is_refused():
    with pytest.raises(TypeError, match="first dimension is unknown"):
        a, b = tkeras.Input((3,))


def test_dict_value_listing_arrays_of_different_shapes():
    class Sizes(tkeras.Model):
        def call(self, inputs):
            return [tkeras.ops.sum(noise, axis=(1, 2, 3)) for noise in inputs["noise"]]

    noise = [np.ones((1, 2, 2, 1), "float32"), np.ones((1, 4, 4, 1), "float32")]
    sums = Sizes()({"noise": noise})
    assert [float(s[0]) for s in sums] == [4.0, 16.0]
