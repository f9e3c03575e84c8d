"""Categorical crossentropy on logits trains with TensorFlow's gradient, softmax(z) - y.

tf-keras 2 computes it with TensorFlow's fused kernel, whose gradient assumes each target row sums to
1. Targets that don't (multi-hot rows, all-zero rows: Deep Learning with Python 2nd ed., chapter 7's
"department" targets) then train differently from autograd's softmax(z) * sum(y) - y. The loss value
is the same either way; the NumPy reference below is the kernel's gradient, in closed form.
"""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.compat.tf_namespace import nn as tf_nn

TARGETS = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 1, 1]], dtype="float32")
LOGITS = np.array([[0.1, 0.5, -0.3, 0.2], [1.0, -1.0, 0.0, 2.0], [0.3, 0.3, 0.3, 0.3], [-2.0, 0.5, 1.5, 0.1]],
                  dtype="float32")


def np_softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def np_loss(y, z):
    log_p = z - z.max(axis=-1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(axis=-1, keepdims=True))
    return -(y * log_p).sum(axis=-1)


def logits_gradient(loss_of_logits):
    z = torch.tensor(LOGITS, requires_grad=True)
    loss = loss_of_logits(z)
    loss.sum().backward()
    return loss.detach().numpy(), z.grad.numpy()


@pytest.mark.parametrize("via", ["softmax_output", "from_logits", "function", "tf_nn"])
def test_gradient_is_softmax_minus_targets(via):
    y = torch.tensor(TARGETS)
    if via == "softmax_output":
        loss_fn = keras.losses.CategoricalCrossentropy(reduction="none")
        values, grad = logits_gradient(lambda z: loss_fn(y, keras.layers.Activation("softmax")(z)))
    elif via == "from_logits":
        loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True, reduction="none")
        values, grad = logits_gradient(lambda z: loss_fn(y, z))
    elif via == "function":
        values, grad = logits_gradient(lambda z: keras.losses.categorical_crossentropy(y, keras.activations.softmax(z)))
    else:
        values, grad = logits_gradient(lambda z: tf_nn.softmax_cross_entropy_with_logits(labels=y, logits=z))
    np.testing.assert_allclose(values, np_loss(TARGETS, LOGITS), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(grad, np_softmax(LOGITS) - TARGETS, rtol=1e-6, atol=1e-6)


def test_targets_get_minus_log_softmax():
    y = torch.tensor(TARGETS, requires_grad=True)
    z = torch.tensor(LOGITS)
    tf_nn.softmax_cross_entropy_with_logits(labels=y, logits=z).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), -np.log(np_softmax(LOGITS)), rtol=1e-5, atol=1e-6)


def test_second_derivative_through_the_loss():
    z = torch.tensor(LOGITS[:1], requires_grad=True)
    y = torch.tensor(TARGETS[2:3])
    loss = tf_nn.softmax_cross_entropy_with_logits(labels=y, logits=z).sum()
    (grad,) = torch.autograd.grad(loss, z, create_graph=True)
    (second,) = torch.autograd.grad(grad[0, 0], z)
    p = np_softmax(LOGITS[:1])[0]
    np.testing.assert_allclose(second.numpy()[0], p[0] * ((np.arange(4) == 0) - p), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("closed_form", ["1", "0"])
def test_one_sgd_step_with_multi_hot_targets(monkeypatch, closed_form):
    """fit's step (with or without the closed-form softmax head) moves the weights by -lr * x^T (p - y) / n."""
    monkeypatch.setenv("TKERAS_CLOSED_FORM_HEAD", closed_form)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(4, 3)).astype("float32")
    kernel = rng.normal(0, 0.5, size=(3, 4)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="softmax", use_bias=False)])
    model.set_weights([kernel])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="categorical_crossentropy")
    model.fit(x, TARGETS, batch_size=4, epochs=1, shuffle=False, verbose=0)
    expected = kernel - 0.5 * x.T @ (np_softmax(x @ kernel) - TARGETS) / 4
    np.testing.assert_allclose(model.get_weights()[0], expected, rtol=1e-5, atol=1e-6)
