"""Regression, probabilistic and hinge losses against NumPy formulas written here."""
import numpy as np
import pytest
import torch

from tkeras import losses

EPS = 1e-7
rng = np.random.default_rng(1)
Y = rng.normal(size=(4, 3)).astype("float32")
P = rng.normal(size=(4, 3)).astype("float32")
Y_POS = rng.uniform(0.1, 2.0, size=(4, 3)).astype("float32")
P_POS = rng.uniform(0.1, 2.0, size=(4, 3)).astype("float32")


def np_huber(y, p, delta):
    e = np.abs(p - y)
    return np.where(e <= delta, 0.5 * e ** 2, delta * e - 0.5 * delta ** 2).mean(-1)


def np_signed(y):
    return 2 * y - 1 if np.isin(y, [0, 1]).all() else y


CASES = {
    "mean_squared_error": (Y, P, lambda y, p: ((y - p) ** 2).mean(-1)),
    "mean_absolute_error": (Y, P, lambda y, p: np.abs(y - p).mean(-1)),
    "mean_absolute_percentage_error": (Y, P, lambda y, p: 100 * np.abs((y - p) / np.maximum(np.abs(y), EPS)).mean(-1)),
    "mean_squared_logarithmic_error": (
        Y, P, lambda y, p: ((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(y, EPS) + 1)) ** 2).mean(-1)),
    "log_cosh": (Y, P, lambda y, p: np.log(np.cosh(p - y)).mean(-1)),
    "huber": (Y, 3 * P, lambda y, p: np_huber(y, p, 1.0)),
    "poisson": (Y_POS, P_POS, lambda y, p: (p - y * np.log(p + EPS)).mean(-1)),
    "kl_divergence": (Y_POS / 2, P_POS / 2, lambda y, p: (np.clip(y, EPS, 1) * np.log(
        np.clip(y, EPS, 1) / np.clip(p, EPS, 1))).sum(-1)),
    "cosine_similarity": (Y, P, lambda y, p: -(y * p).sum(-1) / np.linalg.norm(y, axis=-1) / np.linalg.norm(p, axis=-1)),
    "hinge": ((Y > 0).astype("float32"), P, lambda y, p: np.maximum(1 - np_signed(y) * p, 0).mean(-1)),
    "squared_hinge": ((Y > 0).astype("float32"), P, lambda y, p: (np.maximum(1 - np_signed(y) * p, 0) ** 2).mean(-1)),
    "categorical_hinge": (np.eye(3, dtype="float32")[[0, 2, 1, 1]], P, lambda y, p: np.maximum(
        ((1 - y) * p).max(-1) - (y * p).sum(-1) + 1, 0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_function_matches_numpy(name):
    y, p, reference = CASES[name]
    got = losses.get(name)(torch.tensor(y), torch.tensor(p))
    assert got.shape == (4,)
    np.testing.assert_allclose(got.numpy(), reference(y, p), rtol=1e-5, atol=1e-6)


CLASSES = {
    "mean_squared_error": losses.MeanSquaredError, "mean_absolute_error": losses.MeanAbsoluteError,
    "mean_absolute_percentage_error": losses.MeanAbsolutePercentageError,
    "mean_squared_logarithmic_error": losses.MeanSquaredLogarithmicError, "log_cosh": losses.LogCosh,
    "huber": losses.Huber, "poisson": losses.Poisson, "kl_divergence": losses.KLDivergence,
    "cosine_similarity": losses.CosineSimilarity, "hinge": losses.Hinge, "squared_hinge": losses.SquaredHinge,
    "categorical_hinge": losses.CategoricalHinge,
}


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_class_weights_and_reduces(name):
    y, p, reference = CASES[name]
    weights = np.array([1.0, 0.0, 2.0, 0.5], dtype="float32")
    got = CLASSES[name]()(y, p, sample_weight=weights)
    np.testing.assert_allclose(float(got), (reference(y, p) * weights).sum() / 4, rtol=1e-5, atol=1e-6)


def test_hinge_keeps_signed_labels_and_converts_binary_ones():
    p = np.array([[0.3, -0.8]], dtype="float32")
    signed = losses.hinge(torch.tensor([[-1.0, 1.0]]), torch.tensor(p))
    binary = losses.hinge(torch.tensor([[0.0, 1.0]]), torch.tensor(p))
    np.testing.assert_allclose(signed.numpy(), [(1.3 + 1.8) / 2], rtol=1e-6)
    np.testing.assert_allclose(binary.numpy(), signed.numpy(), rtol=1e-6)


def test_huber_delta_is_used():
    y, p = Y, 3 * P
    got = losses.Huber(delta=0.5)(y, p)
    np.testing.assert_allclose(float(got), np_huber(y, p, 0.5).mean(), rtol=1e-5)


def test_log_cosh_is_finite_for_large_errors():
    got = losses.log_cosh(torch.tensor([[0.0]]), torch.tensor([[200.0]]))
    np.testing.assert_allclose(got.numpy(), [200.0 - np.log(2.0)], rtol=1e-6)


def test_cosine_similarity_sign_and_axis():
    y = np.array([[1.0, 0.0], [0.0, 1.0]], dtype="float32")
    p = np.array([[2.0, 0.0], [0.0, -3.0]], dtype="float32")
    np.testing.assert_allclose(losses.cosine_similarity(torch.tensor(y), torch.tensor(p)).numpy(), [-1.0, 1.0])
    by_column = losses.CosineSimilarity(axis=0, reduction="none")(y, p)
    np.testing.assert_allclose(by_column.numpy(), [-1.0, 1.0], atol=1e-6)


def test_rank_one_predictions_are_one_value_per_sample():
    y = np.array([0.0, 1.0, 2.0], dtype="float32")
    p = np.array([1.0, 1.0, 0.0], dtype="float32")
    per_sample = losses.MeanSquaredError(reduction="none")(y, p)
    np.testing.assert_allclose(per_sample.numpy(), [1.0, 0.0, 4.0])
    weighted = losses.MeanSquaredError()(y, p, sample_weight=np.array([1.0, 1.0, 0.0]))
    np.testing.assert_allclose(float(weighted), 1.0 / 3)
