"""Loss *functions* called by user code on NumPy data give TensorFlow-like tensors.

Hands-On ML 3 (chapter 12) validates a custom training loop with
`np.mean(keras.losses.sparse_categorical_crossentropy(y_valid, model(X_valid)))`. NumPy's `np.mean`
calls `tensor.mean(axis=..., dtype=..., out=...)`, which a plain torch tensor rejects; the result must be
the EagerTensor view, as the loss objects already return. Inside fit the values stay plain tensors.
"""
import numpy as np
import torch

import tkeras as keras


def _np_softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_np_mean_of_sparse_crossentropy_on_model_output():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    x = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")
    labels = np.array([0, 1, 2, 2, 1, 0], dtype="uint8")
    y_pred = model(x)
    per_sample = keras.losses.sparse_categorical_crossentropy(labels, y_pred)
    kernel, bias = (w.numpy() for w in model.layers[0].weights)
    probs = _np_softmax(x @ kernel + bias)
    expected = -np.log(probs[np.arange(6), labels])
    np.testing.assert_allclose(np.mean(per_sample), expected.mean(), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(per_sample), expected, rtol=1e-5)


def test_loss_functions_on_numpy_arrays_support_numpy_reductions():
    y_true = np.array([[1.0, 2.0], [0.0, 1.0]])
    y_pred = np.array([[0.0, 0.5], [0.5, 1.0]])
    mse = keras.losses.mean_squared_error(y_true, y_pred)
    mae = keras.metrics.mae(y_true, y_pred)
    np.testing.assert_allclose(np.mean(mse), np.mean((y_true - y_pred) ** 2), rtol=1e-6)
    np.testing.assert_allclose(np.max(mae), np.abs(y_true - y_pred).mean(axis=-1).max(), rtol=1e-6)
    # float64 arrays give a float64 result, as in Keras 3 and tf-keras 2 (tests/losses/test_loss_float64_inputs.py)
    assert repr(mse).startswith("<tf.Tensor: shape=(2,), dtype=float64")


def test_loss_function_inside_fit_stays_a_plain_tensor():
    seen = []

    def recording_mse(y_true, y_pred):
        loss = keras.losses.mean_squared_error(y_true, y_pred)
        seen.append(type(loss))
        return loss

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=recording_mse)
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), epochs=1, verbose=0)
    assert seen and all(t is torch.Tensor for t in seen)
