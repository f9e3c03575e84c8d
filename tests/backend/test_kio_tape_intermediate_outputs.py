"""The gradient with respect to a functional model's intermediate output, as Grad-CAM takes it.

keras-io's Grad-CAM builds `Model(inputs, [last_conv.output, model.output])` and asks the tape for
d(class score) / d(conv output). TensorFlow returns the gradient through the rest of the model; the
expected values here are the closed form for GlobalAveragePooling followed by Dense.
"""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf
from tkeras import layers


def _grad_cam_model():
    inputs = keras.Input((6, 6, 3))
    features = layers.Activation("relu", name="features")(layers.Conv2D(4, 3)(inputs))
    scores = layers.Dense(5, name="scores")(layers.GlobalAveragePooling2D()(features))
    model = keras.Model(inputs, scores)
    return model, keras.Model([model.inputs], [model.get_layer("features").output, model.output])


def test_gradient_at_intermediate_model_output_flows_through_the_rest():
    model, grad_model = _grad_cam_model()
    images = np.random.default_rng(0).normal(size=(2, 6, 6, 3)).astype("float32")
    with tf.GradientTape() as tape:
        features, scores = grad_model(images)
        class_channel = scores[:, 3]
    grads = tape.gradient(class_channel, features)
    kernel = np.asarray(model.get_layer("scores").kernel.detach())
    expected = np.broadcast_to(kernel[:, 3] / 16.0, (2, 4, 4, 4))
    np.testing.assert_allclose(np.asarray(grads), expected, rtol=1e-6)


def test_uses_of_the_returned_tensor_itself_are_counted_too():
    model, grad_model = _grad_cam_model()
    images = np.random.default_rng(1).normal(size=(1, 6, 6, 3)).astype("float32")
    with tf.GradientTape() as tape:
        features, scores = grad_model(images)
        target = scores[:, 0] + 2.0 * tf.reduce_sum(features)
    grads = tape.gradient(target, features)
    kernel = np.asarray(model.get_layer("scores").kernel.detach())
    np.testing.assert_allclose(np.asarray(grads), np.broadcast_to(kernel[:, 0] / 16.0 + 2.0, (1, 4, 4, 4)),
                               rtol=1e-6)


def test_watched_constant_still_differentiates_as_before():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * x)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, x)), [2.0, 4.0, 6.0])
