"""Gradients with respect to a model's own tensors taken inside its layers (keras-io's eikonal example,
physics-informed nets): `tf.gradients` in a Lambda over the model's inputs or a layer's input, and a
GradientTape inside a custom layer's call. Outputs against closed forms; training through the gradient
(second derivatives into the weights) against finite differences of a NumPy model; the eikonal model and the
tape layer against Keras 3's outputs and step losses (tests/fixtures/make_kio_input_gradients_reference.py)."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras import layers
from tkeras.compat import tf_namespace as tf

REFERENCE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "kio_input_gradients_reference.json")


def _reference():
    with open(REFERENCE) as f:
        return json.load(f)


def _slope_of_net(points, kernel1, bias1, kernel2):
    """d/dx of tanh(x @ kernel1 + bias1) @ kernel2, per row (NumPy, float64)."""
    hidden = np.tanh(points @ kernel1 + bias1)
    return ((1 - hidden ** 2) * kernel2[:, 0]) @ kernel1.T


def _gradient_model():
    x = keras.Input((3,))
    y = layers.Dense(1)(layers.Dense(4, activation="tanh")(x))
    slope = layers.Lambda(lambda t: tf.gradients(t[0], t[1])[0])([y, x])
    return keras.Model(x, slope)


def _set_fixed_weights(model, seed):
    rng = np.random.default_rng(seed)
    weights = [(rng.normal(size=w.shape) * 0.5).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    return [w.astype("float64") for w in weights]


def test_lambda_gradient_of_output_wrt_model_input_is_the_closed_form():
    model = _gradient_model()
    kernel1, bias1, kernel2, _ = _set_fixed_weights(model, 0)
    points = np.random.default_rng(1).uniform(-1, 1, size=(5, 3)).astype("float32")
    expected = _slope_of_net(points.astype("float64"), kernel1, bias1, kernel2)
    np.testing.assert_allclose(model.predict(points, verbose=0), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model(points)), expected, rtol=1e-5, atol=1e-6)


def test_fit_trains_through_the_input_gradient():
    """Loss = mean(slope**2); one SGD step moves the weights along the loss's weight gradient, which only
    exists through second derivatives. The next loss is checked against a NumPy step whose weight gradient
    comes from central finite differences."""
    model = _gradient_model()
    weights = _set_fixed_weights(model, 2)
    points = np.random.default_rng(3).uniform(-1, 1, size=(6, 3)).astype("float32")
    learning_rate = 0.2

    def loss_of(params):
        return np.mean(_slope_of_net(points.astype("float64"), *params[:3]) ** 2)

    step = 1e-6
    gradient = []
    for w in weights:
        g = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            w[index] += step
            up = loss_of(weights)
            w[index] -= 2 * step
            down = loss_of(weights)
            w[index] += step
            g[index] = (up - down) / (2 * step)
        gradient.append(g)
    assert np.abs(gradient[0]).max() > 1e-3  # the step is not a no-op
    updated = [w - learning_rate * g for w, g in zip(weights, gradient)]
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    losses = [float(model.train_on_batch(points, np.zeros((6, 3), "float32"))) for _ in range(2)]
    np.testing.assert_allclose(losses, [loss_of(weights), loss_of(updated)], rtol=2e-5)


def test_gradient_wrt_a_layer_input_computed_inside_the_layer():
    cube_slope = layers.Lambda(lambda t: tf.gradients(tf.reduce_sum(t ** 3), t)[0])
    points = np.array([[1.0, 2.0], [3.0, -1.0]], "float32")
    sequential = keras.Sequential([keras.Input((2,)), cube_slope])
    np.testing.assert_allclose(sequential.predict(points, verbose=0), 3 * points ** 2, rtol=1e-6)
    x = keras.Input((2,))
    summed = layers.Dense(2, use_bias=False, kernel_initializer="ones")(x)
    functional = keras.Model(x, layers.Lambda(lambda t: tf.gradients(tf.reduce_sum(t ** 3), t)[0])(summed))
    sums = points.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(functional.predict(points, verbose=0), np.repeat(3 * sums ** 2, 2, axis=1),
                               rtol=1e-6)


def test_eager_tf_gradients_without_history_still_refuses():
    with pytest.raises(RuntimeError, match="Use tf.GradientTape instead"):
        tf.gradients(tf.constant([1.0]) * 2.0, tf.constant([2.0]))


def _eikonal_models():
    sources = [keras.Input((1,), name=f"source_{i}") for i in range(2)]
    receivers = [keras.Input((1,), name=f"receiver_{i}") for i in range(2)]
    velocity = keras.Input((1,), name="velocity")
    source = layers.Concatenate()(sources)
    receiver = layers.Concatenate()(receivers)
    hidden = layers.Dense(6, activation="tanh")(layers.Concatenate()([source, receiver]))
    time = layers.Dense(1, activation="sigmoid")(hidden)
    distance = layers.Lambda(lambda d: tf.norm(d, axis=-1, keepdims=True))(layers.Subtract()([receiver, source]))
    traveltime = layers.Multiply()([time, distance])
    gradient = layers.Lambda(lambda t: tf.gradients(t[0], t[1], unconnected_gradients="zero"))(
        [traveltime, receivers])
    norm = layers.Lambda(lambda g: tf.norm(g, axis=-1, keepdims=True))(layers.Concatenate()(gradient))
    eikonal = layers.Lambda(lambda t: ((t[0] * t[1]) ** 2 - 1.0) / 2)([norm, velocity])
    inputs = sources + receivers
    return keras.Model(inputs, traveltime), keras.Model(inputs + [velocity], eikonal)


def test_eikonal_model_matches_keras():
    recorded = _reference()["eikonal"]
    traveltime_model, eikonal_model = _eikonal_models()
    eikonal_model.set_weights([np.asarray(w, "float32") for w in recorded["weights"]])
    coords = np.asarray(recorded["coords"], "float32")
    inputs = [coords[:, i:i + 1] for i in range(4)] + [np.asarray(recorded["velocities"], "float32")]
    np.testing.assert_allclose(traveltime_model.predict(inputs[:4], verbose=0), recorded["traveltime"], rtol=1e-5)
    np.testing.assert_allclose(eikonal_model.predict(inputs, verbose=0), recorded["residual"], rtol=1e-4,
                               atol=1e-6)
    eikonal_model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mae")
    losses = [float(eikonal_model.train_on_batch(inputs, np.zeros((8, 1)))) for _ in range(3)]
    np.testing.assert_allclose(losses, recorded["step_losses"], rtol=1e-4)


class _SlopeLayer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(5, activation="tanh")
        self.head = layers.Dense(1)

    def call(self, x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            u = self.head(self.hidden(x))
        return tf.concat([u, tape.gradient(u, x)], axis=-1)


def test_gradient_tape_inside_a_layer_trains_as_keras():
    recorded = _reference()["slope"]
    x = keras.Input((1,))
    model = keras.Model(x, _SlopeLayer()(x))
    weights = [np.asarray(w, "float32") for w in recorded["weights"]]
    model.set_weights(weights)
    points = np.asarray(recorded["points"], "float32")
    outputs = model.predict(points, verbose=0)
    np.testing.assert_allclose(outputs, recorded["outputs"], rtol=1e-5, atol=1e-6)
    kernel1, bias1, kernel2, _ = [w.astype("float64") for w in weights]
    np.testing.assert_allclose(outputs[:, 1:], _slope_of_net(points.astype("float64"), kernel1, bias1, kernel2),
                               rtol=1e-5, atol=1e-6)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    losses = [float(model.train_on_batch(points, np.zeros((8, 2), "float32"))) for _ in range(3)]
    np.testing.assert_allclose(losses, recorded["step_losses"], rtol=1e-4)


class _BurgersDerivatives(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(6, activation="tanh")
        self.head = layers.Dense(1)

    def call(self, tx):
        with tf.GradientTape() as outer:
            outer.watch(tx)
            with tf.GradientTape() as inner:
                inner.watch(tx)
                u = self.head(self.hidden(tx))
            first = inner.batch_jacobian(u, tx)
            du_dt, du_dx = first[..., 0], first[..., 1]
        d2u_dx2 = outer.batch_jacobian(du_dx, tx)[..., 1]
        return u, du_dt + u * du_dx - 0.01 * d2u_dx2


def test_nested_tapes_batch_jacobian_inside_a_layer_train_as_keras():
    recorded = _reference()["burgers"]
    tx = keras.Input((2,))
    model = keras.Model(tx, list(_BurgersDerivatives()(tx)))
    model.set_weights([np.asarray(w, "float32") for w in recorded["weights"]])
    points = np.asarray(recorded["points"], "float32")
    u, residual = model.predict(points, verbose=0)
    np.testing.assert_allclose(u, recorded["u"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(residual, recorded["residual"], rtol=1e-4, atol=1e-6)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    targets = [np.zeros((6, 1), "float32"), np.zeros((6, 1), "float32")]
    totals = [float(model.train_on_batch(points, targets)[0]) for _ in range(3)]
    np.testing.assert_allclose(totals, [losses[0] for losses in recorded["step_losses"]], rtol=1e-4)
