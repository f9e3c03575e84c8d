"""tf-keras 2's SharpnessAwareMinimization: one fit step equals the SAM update computed by hand in NumPy
(climb to w + rho g/||g||, gradient there, step from w), with and without batch splits."""
import numpy as np
import pytest

import tkeras as keras

RNG = np.random.default_rng(3)
X = RNG.standard_normal((8, 3)).astype("float32")
Y = RNG.standard_normal((8, 2)).astype("float32")
W = RNG.standard_normal((3, 2)).astype("float32")
B = np.array([0.2, -0.1], "float32")


def mse_gradients(w, b, x, y):
    error = x @ w + b - y
    scale = 2.0 / error.size  # d/dpred of mean((pred - y)**2)
    return x.T @ error * scale, error.sum(axis=0) * scale


def sam_step(w, b, x, y, rho, lr, splits):
    total_w, total_b = np.zeros_like(w, dtype="float64"), np.zeros_like(b, dtype="float64")
    for xs, ys in zip(np.split(x, splits), np.split(y, splits)):
        gw, gb = mse_gradients(w.astype("float64"), b.astype("float64"), xs, ys)
        scale = rho / (np.sqrt((gw ** 2).sum() + (gb ** 2).sum()) + 1e-12)
        gw2, gb2 = mse_gradients(w + gw * scale, b + gb * scale, xs, ys)
        total_w, total_b = total_w + gw2, total_b + gb2
    return w - lr * total_w, b - lr * total_b


@pytest.mark.parametrize("splits", [None, 2])
def test_one_step_is_the_sam_update(splits):
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    inner.set_weights([W, B])
    model = keras.models.experimental.SharpnessAwareMinimization(inner, rho=0.5, num_batch_splits=splits)
    model.compile(keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    history = model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    want_w, want_b = sam_step(W, B, X, Y, rho=0.5, lr=0.1, splits=splits or 1)
    got_w, got_b = inner.get_weights()
    np.testing.assert_allclose(got_w, want_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_b, want_b, rtol=1e-5, atol=1e-6)
    plain_w = W - 0.1 * mse_gradients(W, B, X, Y)[0]
    assert np.abs(got_w - plain_w).max() > 1e-3  # SAM's step really differs from plain SGD's
    assert set(history.history) == {"loss", "mae"}


def test_uneven_splits_and_config():
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model = keras.models.experimental.SharpnessAwareMinimization(inner, num_batch_splits=3)
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="batch of 8 samples cannot be split into num_batch_splits=3"):
        model.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    config = model.get_config()
    assert config["rho"] == 0.05 and config["model"]["class_name"] == "Sequential"
    copy = type(model).from_config(config)
    assert copy.num_batch_splits == 3 and isinstance(copy.model, keras.Sequential)
