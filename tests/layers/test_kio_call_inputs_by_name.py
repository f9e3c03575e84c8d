"""A layer called with its inputs by the name of call's first parameter (`patches(images=x)`), as Keras
binds it; keras-io's masked-image-modeling example calls its patch layer this way."""
import numpy as np
import pytest

import tkeras as keras


class Scale(keras.layers.Layer):
    def call(self, images, factor=1.0):
        return images * factor


class TwoTimes(keras.Model):
    def call(self, features):
        return features * 2.0


def test_eager_call_with_inputs_by_parameter_name():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    out = Scale()(images=x, factor=3.0)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), x * 3.0)


def test_symbolic_call_with_inputs_by_parameter_name():
    inputs = keras.Input((4,))
    outputs = Scale()(images=inputs, factor=2.0)
    model = keras.Model(inputs, outputs)
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), x * 2.0)


def test_subclassed_model_called_by_parameter_name():
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(TwoTimes()(features=x)), x * 2.0)


def test_missing_inputs_names_the_expected_argument():
    with pytest.raises(TypeError, match="'images'"):
        Scale()(factor=2.0)
