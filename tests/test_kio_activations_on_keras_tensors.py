"""`keras.activations.*` applied to a KerasTensor while building a functional model (keras-io's
memory_efficient_embeddings recipe: `keras.activations.sigmoid(logits) * 5`) records the matching op
node, written as Keras 3.15.1 writes it (class "Sigmoid", module "keras.src.ops.nn"), and computes the
activation's own formula (gelu exact, not ops.gelu's tanh approximation)."""
import math

import numpy as np

import tkeras as keras
from tkeras import activations


def _model(activation, **kwargs):
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")(inputs)
    return keras.Model(inputs, activation(hidden, **kwargs) * 5.0)


def test_sigmoid_on_a_keras_tensor_is_a_keras_sigmoid_op_node():
    model = _model(activations.sigmoid)
    nodes = [(layer["class_name"], layer.get("module")) for layer in model.get_config()["layers"]]
    assert ("Sigmoid", "keras.src.ops.nn") in nodes
    x = np.array([[0.1, 0.2, 0.3]], "float32")
    expected = 5.0 / (1.0 + np.exp(-x.sum(axis=1, keepdims=True).repeat(2, axis=1)))
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)), expected, rtol=1e-6)


def test_gelu_on_a_keras_tensor_keeps_the_exact_formula():
    model = _model(activations.gelu)
    x = np.array([[0.5, -1.0, 1.5]], "float32")
    s = float(x.sum())
    exact = 0.5 * s * (1.0 + math.erf(s / math.sqrt(2.0)))
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)), [[5 * exact, 5 * exact]], rtol=1e-5)


def test_linear_returns_the_tensor_and_eager_calls_are_unchanged():
    inputs = keras.Input((3,))
    assert activations.linear(inputs) is inputs
    np.testing.assert_allclose(np.asarray(activations.relu(np.array([-1.0, 2.0], "float32"))), [0.0, 2.0])
