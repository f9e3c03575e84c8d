"""A custom layer called on a dict of KerasTensors, flat or nested (keras-io's Keras 3 migration guide:
`layer({"foo": a, "bar": {"baz": b}})`), gets its output shape in the functional API and runs in a model."""
import numpy as np

import tkeras as keras


class _SumFooBaz(keras.layers.Layer):
    def call(self, inputs):
        return inputs["foo"] + 2.0 * inputs["bar"]["baz"]


class _ConcatFlat(keras.layers.Layer):
    def call(self, inputs):
        return keras.ops.concatenate([inputs["foo"], inputs["bar"]], axis=-1)


def test_nested_dict_inputs_to_a_custom_layer():
    foo, baz = keras.Input(shape=(1,), name="foo"), keras.Input(shape=(1,), name="baz")
    out = _SumFooBaz()({"foo": foo, "bar": {"baz": baz}})
    assert tuple(out.shape) == (None, 1)
    model = keras.Model([foo, baz], out)
    got = np.asarray(model.predict([np.array([[1.0], [2.0]]), np.array([[10.0], [20.0]])], verbose=0))
    np.testing.assert_allclose(got, [[21.0], [42.0]])


def test_flat_dict_inputs_to_a_custom_layer():
    foo, bar = keras.Input(shape=(2,), name="foo"), keras.Input(shape=(3,), name="bar")
    out = _ConcatFlat()({"foo": foo, "bar": bar})
    assert tuple(out.shape) == (None, 5)
    model = keras.Model({"foo": foo, "bar": bar}, out)
    got = np.asarray(model.predict({"foo": np.ones((2, 2)), "bar": np.zeros((2, 3))}, verbose=0))
    np.testing.assert_allclose(got, np.concatenate([np.ones((2, 2)), np.zeros((2, 3))], axis=-1))
