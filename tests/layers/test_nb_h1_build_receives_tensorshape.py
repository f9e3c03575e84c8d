"""`build` and `compute_output_shape` get a TensorShape, as in tf-keras (Hands-On ML 2, chapter 12:
`tf.TensorShape(batch_input_shape.as_list()[:-1] + [self.units])`), which Keras 3 code can still index."""
import numpy as np

import tkeras as keras


class MyDense(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, batch_input_shape):
        self.seen_shape = batch_input_shape.as_list()
        self.kernel = self.add_weight(name="kernel", shape=[batch_input_shape[-1], self.units], initializer="ones")
        super().build(batch_input_shape)

    def call(self, x):
        return x @ self.kernel

    def compute_output_shape(self, batch_input_shape):
        return tuple(batch_input_shape.as_list()[:-1] + [self.units])


def test_sequential_with_input_shape_builds_through_as_list():
    model = keras.Sequential([MyDense(4, input_shape=(3,)), MyDense(2)])
    assert model.layers[0].seen_shape == [None, 3] and model.layers[1].seen_shape == [None, 4]
    assert tuple(model.output_shape) == (None, 2)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(model.predict(x, verbose=0), (x @ np.ones((3, 4))) @ np.ones((4, 2)))


def test_functional_call_and_keras3_style_indexing():
    inputs = keras.Input((5,))
    outputs = MyDense(3)(inputs)
    assert tuple(outputs.shape) == (None, 3)
    shape = keras.layers.Dense(2).compute_output_shape((None, 5))
    assert tuple(shape) == (None, 2)


def test_eager_first_call_builds_with_the_batch_shape():
    layer = MyDense(2)
    out = layer(np.ones((4, 3), "float32"))
    assert layer.seen_shape[-1] == 3
    np.testing.assert_allclose(out.numpy(), np.full((4, 2), 3.0))
