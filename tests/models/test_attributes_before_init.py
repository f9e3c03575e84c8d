"""A Model subclass that creates its layers before `super().__init__()`: Keras with TensorFlow or JAX
accepts it, Keras' torch backend refuses it; in tkeras the layers are tracked and trained by fit."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import layers


class _EarlyRegressor(keras.Model):
    def __init__(self):
        self.hidden = layers.Dense(4, activation="relu")
        self.out = layers.Dense(1)
        self.note = "set early"
        super().__init__(name="early_regressor")

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def test_layers_set_before_init_are_weights_of_the_model_and_fit_trains_them():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    model = _EarlyRegressor()
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    model.build((None, 3))
    assert [tuple(w.shape) for w in model.weights] == [(3, 4), (4,), (4, 1), (1,)]
    assert model.weights[0] is model.hidden.kernel and model.layers == [model.hidden, model.out]
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    after = model.get_weights()
    assert all(not np.array_equal(a, b) for a, b in zip(before, after))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.note == "set early" and model.name == "early_regressor"


def test_a_functional_subclass_with_an_early_attribute():
    class Tagged(keras.Model):
        def __init__(self):
            self.head = layers.Dense(2)
            inputs = keras.Input((3,))
            super().__init__(inputs, self.head(inputs))

    model = Tagged()
    assert model.layers[-1] is model.head
    assert model.predict(np.ones((2, 3), "float32"), verbose=0).shape == (2, 2)
    assert len(model.trainable_weights) == 2
