"""Layer weights answer tf.Variable's `get_shape()`, which tf-keras 2 layer code calls on a kernel.

keras-io's PixelCNN builds its mask from `self.conv.kernel.get_shape()`.
"""
import numpy as np

import tkeras as keras


def test_kernel_get_shape_is_a_tensor_shape():
    conv = keras.layers.Conv2D(4, 3)
    conv.build((None, 8, 8, 2))
    shape = conv.kernel.get_shape()
    assert shape == (3, 3, 2, 4)
    assert shape.as_list() == [3, 3, 2, 4]
    assert np.zeros(shape=shape).shape == (3, 3, 2, 4)
