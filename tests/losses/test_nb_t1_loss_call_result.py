"""`loss_fn(y, p)` called by user code hands back what TensorFlow's eager loss does.

The quickstart notebook evaluates `loss_fn(y_train[:1], predictions).numpy()` and shows a NumPy
scalar (`np.float32`); custom training loops print the loss as a `tf.Tensor`. Inside fit the loss
stays a plain torch tensor (no wrapper on the hot path).
"""
import numpy as np
import torch

import tkeras as keras


def _np_sparse_ce_from_logits(labels, logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return -log_probs[np.arange(len(labels)), labels].mean()


def test_loss_object_result_numpy_is_a_numpy_scalar():
    logits = np.array([[0.3, -1.2, 2.0], [1.0, 0.5, -0.5]], dtype="float32")
    labels = np.array([2, 1])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    value = loss_fn(labels, logits).numpy()
    assert isinstance(value, np.float32)  # TF: np.float32, not a 0-d ndarray
    np.testing.assert_allclose(value, _np_sparse_ce_from_logits(labels, logits), rtol=1e-6)


def test_loss_object_result_prints_as_a_tf_tensor():
    value = keras.losses.MeanSquaredError()(np.array([1.0]), np.array([2.0]))
    assert repr(value).startswith("<tf.Tensor: shape=(), dtype=float32, numpy=1.0")


def test_loss_inside_fit_stays_a_plain_tensor():
    seen = []

    class RecordingLoss(keras.losses.MeanSquaredError):
        def __call__(self, y_true, y_pred, sample_weight=None):
            loss = super().__call__(y_true, y_pred, sample_weight)
            seen.append(type(loss))
            return loss

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=RecordingLoss())
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), epochs=1, verbose=0)
    assert seen and all(t is torch.Tensor for t in seen)
