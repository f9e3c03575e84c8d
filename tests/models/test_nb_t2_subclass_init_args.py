"""tf-keras 2 reads positional arguments of `Model.__init__` only as (inputs, outputs) and ignores a lone
one: tensorflow.org's effective_tf2 guide writes `super(DynamicRNN, self).__init__(self)`."""
import numpy as np
import pytest

import tkeras as keras


class _PassesSelf(keras.Model):
    def __init__(self):
        super().__init__(self)
        self.dense = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")

    def call(self, x):
        return self.dense(x)


def test_lone_positional_argument_builds_a_subclassed_model():
    model = _PassesSelf()
    out = model(np.ones((3, 4), "float32"))
    np.testing.assert_allclose(np.asarray(out), np.full((3, 2), 4.0))
    assert [w.shape[-1] for w in model.weights] == [2, 2]


def test_inputs_positional_with_outputs_keyword_stays_functional():
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(1)(inputs)
    model = keras.Model(inputs, outputs=outputs)
    assert model.inputs and model.outputs
    assert model(np.ones((2, 4), "float32")).shape == (2, 1)


def test_model_itself_with_only_inputs_still_reports_missing_outputs():
    with pytest.raises(TypeError, match="outputs"):
        keras.Model(keras.Input((4,)))
