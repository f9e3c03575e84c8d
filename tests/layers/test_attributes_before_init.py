"""Attributes a Layer subclass sets before `super().__init__()` (fine on Keras with TensorFlow or JAX,
an error on Keras' torch backend): sublayers and weights end up tracked as if set afterwards."""
import numpy as np
import torch

import tkeras as keras
from tkeras import layers


class _EarlyProjection(layers.Layer):
    def __init__(self, units):
        self.units = units  # plain attribute
        self.project = layers.Dense(units, kernel_initializer="ones", bias_initializer="zeros")
        self.extras = [layers.Dense(units), layers.Dense(units)]  # a list of layers
        self.scale = torch.nn.Parameter(torch.ones(()))  # a raw torch parameter
        super().__init__(name="early_projection")

    def call(self, inputs):
        x = self.project(inputs)
        for layer in self.extras:
            x = x + 0 * layer(x)
        return x * self.scale


def test_sublayers_and_plain_attributes_set_before_init_are_kept_and_tracked():
    layer = _EarlyProjection(2)
    out = layer(np.ones((1, 3), "float32"))
    np.testing.assert_allclose(np.asarray(out), [[3.0, 3.0]])
    assert layer.units == 2 and layer.name == "early_projection"
    assert [w.shape for w in layer.weights] == [(3, 2), (2,), (2, 2), (2,), (2, 2), (2,)]
    assert layer.weights[0] is layer.project.kernel
    assert len(layer.trainable_weights) == 6
    assert any(p is layer.scale for p in layer.parameters())
    assert sorted(name for name, _ in layer.named_children())[0] == "extras__0"


def test_an_early_sublayer_inside_a_model_is_part_of_its_weights():
    inputs = keras.Input((3,))
    early = _EarlyProjection(2)
    model = keras.Model(inputs, early(inputs))
    assert {id(w) for w in early.project.weights} <= {id(w) for w in model.weights}
    assert len(model.get_weights()) == 6
