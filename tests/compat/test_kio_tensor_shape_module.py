"""`from tensorflow.python.framework import tensor_shape`: TF 2.x-era custom layers (the dimension-adaptive
pooling layer of keras-io's DANA example) build `compute_output_shape` results with
`tensor_shape.TensorShape(input_shape).as_list()` and return a TensorShape. The expected shapes below
follow from the layer's own arithmetic (W, H*M)."""
import importlib

import numpy as np
import pytest

import tkeras


@pytest.fixture
def aliases():
    from tkeras import compat
    compat.install()
    yield
    compat.uninstall()


def test_the_private_module_path_imports_and_gives_tensor_shapes(aliases):
    tensor_shape = importlib.import_module("tensorflow.python.framework.tensor_shape")
    tf = importlib.import_module("tensorflow")
    assert tensor_shape.TensorShape is tf.TensorShape
    assert tensor_shape.TensorShape((None, 4, 6)).as_list() == [None, 4, 6]
    assert tensor_shape.as_shape([2, None]).as_list() == [2, None]
    assert tensor_shape.dimension_value(None) is None and tensor_shape.dimension_value(np.int64(3)) == 3
    with pytest.raises(AttributeError, match="not supported in tkeras"):
        tensor_shape.Dimension  # noqa: B018  (a name this module does not carry fails with one line)


def test_a_layer_returning_a_tensor_shape_sets_the_symbolic_output_shape(aliases):
    tensor_shape = importlib.import_module("tensorflow.python.framework.tensor_shape")

    class PoolToGrid(tkeras.layers.Layer):
        def __init__(self, grid, **kwargs):
            super().__init__(**kwargs)
            self.W, self.H = grid

        def build(self, input_shape):
            self.M = input_shape[3]

        def compute_output_shape(self, input_shape):
            input_shape = tensor_shape.TensorShape(input_shape).as_list()
            return tensor_shape.TensorShape([input_shape[0], self.W, self.H * self.M])

        def call(self, inputs):
            pooled = tkeras.ops.image.resize(inputs, (self.W, self.H))
            return tkeras.ops.reshape(pooled, (-1, self.W, self.H * self.M))

    inputs = tkeras.Input((None, None, 8))
    outputs = PoolToGrid((4, 6))(inputs)
    assert tuple(outputs.shape) == (None, 4, 48)
    model = tkeras.Model(inputs, outputs)
    assert model.predict(np.zeros((2, 16, 6, 8), "float32"), verbose=0).shape == (2, 4, 48)
