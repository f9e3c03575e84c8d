"""Crossentropy losses against NumPy formulas, and the logits path behind sigmoid/softmax outputs."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import losses

EPS = 1e-7


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def np_bce(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def np_bce_logits(y, x):
    # max(x, 0) - x*y + log(1 + exp(-|x|)): the textbook stable form.
    return np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))


def np_cce(y, p):
    p = p / p.sum(axis=-1, keepdims=True)
    return -(y * np.log(np.clip(p, EPS, 1 - EPS))).sum(axis=-1)


def from_sigmoid(logits):
    """A tensor as the sigmoid activation leaves it: probabilities that remember their logits."""
    probabilities = torch.sigmoid(logits)
    probabilities._keras_logits = logits
    probabilities._keras_activation = "sigmoid"
    return probabilities


def from_softmax(logits):
    probabilities = torch.softmax(logits, dim=-1)
    probabilities._keras_logits = logits
    probabilities._keras_activation = "softmax"
    return probabilities


rng = np.random.default_rng(0)
Y_BIN = rng.integers(0, 2, size=(6, 3)).astype("float32")
P_BIN = rng.uniform(0.02, 0.98, size=(6, 3)).astype("float32")
LOGITS = rng.normal(size=(5, 4)).astype("float32") * 2
LABELS = np.array([0, 3, 1, 2, 3])
ONE_HOT = np.eye(4, dtype="float32")[LABELS]


def t(a):
    return torch.tensor(a)


# -- binary ----------------------------------------------------------------------------------------
def test_binary_function_is_per_sample_mean_of_last_axis():
    got = losses.binary_crossentropy(t(Y_BIN), t(P_BIN))
    np.testing.assert_allclose(got.numpy(), np_bce(Y_BIN, P_BIN).mean(-1), rtol=1e-5)


def test_binary_class_reduces_with_sum_over_batch_size():
    got = losses.BinaryCrossentropy()(Y_BIN, P_BIN)
    assert got.dim() == 0
    np.testing.assert_allclose(float(got), np_bce(Y_BIN, P_BIN).mean(), rtol=1e-5)


def test_binary_clips_probabilities_of_exactly_zero_and_one():
    y, p = np.array([[1.0, 0.0]], "float32"), np.array([[0.0, 1.0]], "float32")
    got = losses.binary_crossentropy(t(y), t(p))
    # In float32, 1 - 1e-7 rounds to 1 - 1.19e-7: NumPy clipping in float32 gives Keras' number.
    expected = np_bce(y, p).mean(-1)
    assert 15.9 < expected[0] < 16.2
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)


def test_binary_from_logits():
    x = LOGITS
    y = (rng.uniform(size=x.shape) > 0.5).astype("float32")
    got = losses.BinaryCrossentropy(from_logits=True)(y, x)
    np.testing.assert_allclose(float(got), np_bce_logits(y, x).mean(), rtol=1e-5)


def test_binary_label_smoothing_squeezes_targets_towards_half():
    smoothed = Y_BIN * 0.8 + 0.5 * 0.2
    got = losses.BinaryCrossentropy(label_smoothing=0.2)(Y_BIN, P_BIN)
    np.testing.assert_allclose(float(got), np_bce(smoothed, P_BIN).mean(), rtol=1e-5)


@pytest.mark.parametrize("y_shape", [(6,), (6, 1)])
def test_binary_accepts_flat_or_column_targets_for_a_column_output(y_shape):
    y = Y_BIN[:, 0].reshape(y_shape)
    p = P_BIN[:, :1]
    per_sample = losses.BinaryCrossentropy(reduction="none")(y, p)
    np.testing.assert_allclose(per_sample.numpy(), np_bce(Y_BIN[:, 0], P_BIN[:, 0]), rtol=1e-5)
    assert per_sample.shape == (6,)  # not (6, 6): no broadcasting of (N,) against (N, 1)


def test_binary_integer_targets_work():
    got = losses.BinaryCrossentropy()(Y_BIN.astype("int64"), P_BIN)
    np.testing.assert_allclose(float(got), np_bce(Y_BIN, P_BIN).mean(), rtol=1e-5)


def test_binary_axis_picks_the_averaged_axis():
    got = losses.binary_crossentropy(t(Y_BIN), t(P_BIN), axis=0)
    np.testing.assert_allclose(got.numpy(), np_bce(Y_BIN, P_BIN).mean(0), rtol=1e-5)


def test_binary_focal_against_formula():
    gamma, alpha = 2.0, 0.25
    got = losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=alpha, gamma=gamma,
                                         reduction="none")(Y_BIN, P_BIN)
    p_t = Y_BIN * P_BIN + (1 - Y_BIN) * (1 - P_BIN)
    weight = Y_BIN * alpha + (1 - Y_BIN) * (1 - alpha)
    expected = (weight * (1 - p_t) ** gamma * np_bce(Y_BIN, P_BIN)).mean(-1)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)


# -- the logits path -------------------------------------------------------------------------------
def test_sigmoid_output_uses_logits_and_matches_probability_path_for_moderate_values():
    logits = t(LOGITS)
    y = (LOGITS > 0.3).astype("float32")
    tagged = losses.BinaryCrossentropy()(y, from_sigmoid(logits))
    plain = losses.BinaryCrossentropy()(y, torch.sigmoid(logits))  # no tag: clipped probabilities
    np.testing.assert_allclose(float(tagged), float(plain), rtol=1e-5)
    np.testing.assert_allclose(float(tagged), np_bce_logits(y, LOGITS).mean(), rtol=1e-5)


def test_saturated_sigmoid_stays_finite_and_exact_through_the_logits():
    logits = torch.tensor([[100.0], [-100.0], [100.0]], requires_grad=True)
    y = np.array([[0.0], [1.0], [1.0]], dtype="float32")
    loss = losses.BinaryCrossentropy()(y, from_sigmoid(logits))
    # Wrong by 100 logits twice, right once: (100 + 100 + ~0) / 3, where clipping would cap at -log(1e-7).
    np.testing.assert_allclose(float(loss.detach()), 200.0 / 3, rtol=1e-5)
    loss.backward()
    np.testing.assert_allclose(logits.grad.numpy().ravel(), [1 / 3, -1 / 3, 0.0], atol=1e-6)


def test_logits_are_ignored_for_the_wrong_activation_or_from_logits_true():
    logits = t(LOGITS)
    y = (LOGITS > 0).astype("float32")
    probs = torch.sigmoid(logits)
    probs._keras_logits = logits
    probs._keras_activation = "softmax"  # not a sigmoid: binary crossentropy must use the probabilities
    got = losses.BinaryCrossentropy()(y, probs)
    np.testing.assert_allclose(float(got), np_bce(y, probs.numpy()).mean(), rtol=1e-5)
    # from_logits=True treats y_pred itself as logits, whatever it carries.
    got = losses.BinaryCrossentropy(from_logits=True)(y, from_sigmoid(logits))
    np.testing.assert_allclose(float(got), np_bce_logits(y, probs.numpy()).mean(), rtol=1e-5)


def test_softmax_output_uses_logits_for_categorical_and_sparse():
    logits = torch.tensor([[100.0, -100.0, 0.0], [0.5, 1.0, -0.5]], requires_grad=True)
    labels = np.array([1, 2])
    one_hot = np.eye(3, dtype="float32")[labels]
    x = logits.detach().numpy().astype("float64")
    shifted = x - x.max(-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    expected = -log_p[np.arange(2), labels]
    for loss, target in ((losses.CategoricalCrossentropy(reduction="none"), one_hot),
                         (losses.SparseCategoricalCrossentropy(reduction="none"), labels)):
        got = loss(target, from_softmax(logits))
        np.testing.assert_allclose(got.detach().numpy(), expected, rtol=1e-5)
        assert np.isfinite(got.detach().numpy()).all() and got[0] > 150  # clipping would cap at ~16.1


def test_softmax_logits_match_probability_path_for_moderate_values():
    logits = t(LOGITS)
    tagged = losses.CategoricalCrossentropy()(ONE_HOT, from_softmax(logits))
    plain = losses.CategoricalCrossentropy()(ONE_HOT, torch.softmax(logits, -1))
    np.testing.assert_allclose(float(tagged), float(plain), rtol=1e-5)


def test_logits_survive_a_real_activation_layer():
    layer = keras.layers.Dense(1, activation="sigmoid")
    x = torch.tensor([[50.0], [-50.0]], device=keras.backend.device())
    layer(x)
    with torch.no_grad():
        layer.kernel.copy_(torch.ones_like(layer.kernel))
        layer.bias.zero_()
    out = layer(x)
    loss = losses.BinaryCrossentropy()(np.array([[0.0], [1.0]]), out)
    np.testing.assert_allclose(float(loss.detach()), 50.0, rtol=1e-4)


# -- categorical and sparse ------------------------------------------------------------------------
def test_categorical_against_numpy_with_unnormalised_probabilities():
    p = rng.uniform(0.1, 1.0, size=(5, 4)).astype("float32")  # rows not summing to 1: Keras renormalises
    got = losses.categorical_crossentropy(t(ONE_HOT), t(p))
    np.testing.assert_allclose(got.numpy(), np_cce(ONE_HOT, p), rtol=1e-5)


def test_categorical_from_logits_and_label_smoothing():
    smoothing = 0.1
    smoothed = ONE_HOT * (1 - smoothing) + smoothing / 4
    got = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing)(ONE_HOT, LOGITS)
    np.testing.assert_allclose(float(got), np_cce(smoothed, np_softmax(LOGITS)).mean(), rtol=1e-5)


def test_categorical_accepts_integer_one_hot_targets():
    p = np_softmax(LOGITS)
    got = losses.CategoricalCrossentropy()(ONE_HOT.astype("int64"), p)
    np.testing.assert_allclose(float(got), np_cce(ONE_HOT, p).mean(), rtol=1e-5)


def test_categorical_axis_zero():
    p = np_softmax(LOGITS.T).T  # classes along axis 0
    got = losses.categorical_crossentropy(t(ONE_HOT), t(p), axis=0)
    expected = -(ONE_HOT * np.log(np.clip(p / p.sum(0), EPS, 1 - EPS))).sum(0)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)


def test_categorical_shape_mismatch_names_the_fix():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.CategoricalCrossentropy()(LABELS, np_softmax(LOGITS))


@pytest.mark.parametrize("labels", [LABELS, LABELS.reshape(-1, 1), LABELS.astype("float32"),
                                    LABELS.reshape(-1, 1).astype("float64")])
def test_sparse_accepts_flat_column_and_float_labels(labels):
    p = np_softmax(LOGITS)
    got = losses.SparseCategoricalCrossentropy(reduction="none")(labels, p)
    np.testing.assert_allclose(got.numpy(), np_cce(ONE_HOT, p), rtol=1e-5)


def test_sparse_from_logits_and_sequences():
    logits = rng.normal(size=(2, 3, 4)).astype("float32")
    labels = rng.integers(0, 4, size=(2, 3))
    got = losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")(labels, logits)
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got.numpy(), np_cce(np.eye(4)[labels], np_softmax(logits)), rtol=1e-5)


def test_sparse_ignore_class_masks_those_entries_out_of_the_mean():
    p = np_softmax(LOGITS)
    labels = np.array([0, -1, 1, 2, -1])
    got = losses.SparseCategoricalCrossentropy(ignore_class=-1)(labels, p)
    keep = labels != -1
    np.testing.assert_allclose(float(got), np_cce(np.eye(4)[labels[keep]], p[keep]).mean(), rtol=1e-5)


def test_sparse_wrong_label_shape_is_explained():
    with pytest.raises(ValueError, match="one class index per sample"):
        losses.SparseCategoricalCrossentropy()(np.zeros((5, 2)), np_softmax(LOGITS))


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_labels_outside_the_classes_name_the_values_and_the_range(from_logits):
    y_pred = np.full((3, 4), 0.25, dtype="float32")
    with pytest.raises(ValueError, match=r"^sparse_categorical_crossentropy: every label must be a class index "
                                         r"in \[0, 4\) \(y_pred has 4 classes\); received label value\(s\) \[7\]"):
        keras.losses.sparse_categorical_crossentropy(np.array([0, 7, 3]), y_pred, from_logits=from_logits)
