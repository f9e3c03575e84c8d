"""A Lambda called on a nested list of tensors (`Lambda(f)([x, [a, b]])`, keras-io's eikonal example)
infers its output shape from placeholders nested the same way, as Keras 3 and tf-keras do."""
import numpy as np

import tkeras as keras


def test_lambda_on_nested_inputs():
    a = keras.Input((1,))
    b = [keras.Input((1,)), keras.Input((2,))]
    out = keras.layers.Lambda(lambda x: [x[0] * x[1][0], x[1][1]])([a, b])
    model = keras.Model([a] + b, out)
    assert [tuple(o.shape) for o in model.outputs] == [(None, 1), (None, 2)]
    first, second = model([np.full((3, 1), 2.0), np.full((3, 1), 5.0), np.ones((3, 2))])
    np.testing.assert_array_equal(np.asarray(first), np.full((3, 1), 10.0))
    np.testing.assert_array_equal(np.asarray(second), np.ones((3, 2)))
