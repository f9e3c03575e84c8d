"""Metrics and losses take a Python list of tensors, packed along a new first axis as TensorFlow does.

Generative Deep Learning 2nd ed.'s DCGAN train_step updates one accuracy over both halves of a batch:
`d_acc.update_state([real_labels, fake_labels], [real_predictions, fake_predictions])`, with the
predictions still carrying gradients inside the tape. Converting that list through NumPy fails on
such tensors; TensorFlow stacks it into one (2, batch, 1) tensor.
"""
import numpy as np
import torch

import tkeras as keras

REAL = np.array([[0.9], [0.4], [0.7], [0.2]], dtype="float32")
FAKE = np.array([[0.1], [0.6], [0.3], [0.8]], dtype="float32")


def predictions_with_gradients():
    real = torch.tensor(REAL, requires_grad=True)
    fake = torch.tensor(FAKE, requires_grad=True)
    return real, fake, real * 1.0, fake * 1.0


def test_binary_accuracy_over_a_list_of_grad_carrying_tensors():
    _, _, real_pred, fake_pred = predictions_with_gradients()
    metric = keras.metrics.BinaryAccuracy()
    metric.update_state([torch.ones(4, 1), torch.zeros(4, 1)], [real_pred, fake_pred])
    expected = np.mean(np.concatenate([REAL > 0.5, FAKE <= 0.5]))
    np.testing.assert_allclose(float(metric.result()), expected)


def test_mean_metric_over_a_list_of_scalars():
    metric = keras.metrics.Mean()
    metric.update_state([torch.tensor(1.0, requires_grad=True) * 2.0, torch.tensor(4.0)])
    np.testing.assert_allclose(float(metric.result()), 3.0)


def test_loss_over_lists_keeps_the_gradient():
    real, fake, real_pred, fake_pred = predictions_with_gradients()
    loss = keras.losses.BinaryCrossentropy()([torch.ones(4, 1), torch.zeros(4, 1)], [real_pred, fake_pred])
    expected = -np.mean(np.concatenate([np.log(REAL), np.log(1 - FAKE)]))
    np.testing.assert_allclose(float(loss), expected, rtol=1e-5)
    loss.backward()
    np.testing.assert_allclose(real.grad.numpy(), -1.0 / (8 * REAL), rtol=1e-5)
    np.testing.assert_allclose(fake.grad.numpy(), 1.0 / (8 * (1 - FAKE)), rtol=1e-5)


def test_list_mixing_int_and_float_tensors_promotes():
    metric = keras.metrics.BinaryAccuracy()
    metric.update_state([torch.ones(2, 1, dtype=torch.int64), np.zeros((2, 1), "float32")],
                        [torch.tensor([[0.9], [0.2]]), torch.tensor([[0.1], [0.7]])])
    np.testing.assert_allclose(float(metric.result()), 0.5)


def test_stacked_halves_count_as_samples_as_in_keras3():
    """Keras 3 (the DCGAN notebook's Keras) reduces the packed (2, batch, 1) accuracies to one value per
    half, so a short last batch weighs as much as a full one (tf-keras 2 counted every element)."""
    rng = np.random.default_rng(0)
    metric = keras.metrics.BinaryAccuracy()
    half_means = []
    for batch in (4, 2):
        real = rng.uniform(size=(batch, 1)).astype("float32")
        fake = rng.uniform(size=(batch, 1)).astype("float32")
        metric.update_state([torch.ones(batch, 1), torch.zeros(batch, 1)], [torch.tensor(real), torch.tensor(fake)])
        half_means += [np.mean(real > 0.5), np.mean(fake <= 0.5)]
    np.testing.assert_allclose(float(metric.result()), np.mean(half_means), rtol=1e-6)
