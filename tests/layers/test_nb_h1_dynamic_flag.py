"""tf-keras' `dynamic=True` (Hands-On ML 2, chapter 12: `MyModel(dynamic=True)`) is accepted and recorded;
tkeras runs every layer eagerly anyway, so the model trains as before."""
import numpy as np
import pytest

import tkeras as keras


class MyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(1, kernel_initializer="ones")

    def call(self, inputs):
        return self.hidden(inputs)


def test_dynamic_model_and_layer():
    model = MyModel(dynamic=True)
    assert model.dynamic is True
    assert keras.layers.Layer(dynamic=True).dynamic is True
    assert keras.layers.Dense(2).dynamic is False
    model.compile(loss="mse", optimizer="sgd")
    x = np.ones((4, 2), "float32")
    np.testing.assert_allclose(model.evaluate(x, np.zeros((4, 1), "float32"), verbose=0), 4.0)


def test_misspelled_keyword_is_still_an_error():
    with pytest.raises(TypeError, match="dynamc"):
        keras.layers.Layer(dynamc=True)
