"""`Normalization.mean` / `.variance` as Keras (3 and tf.keras 2) report them after `adapt()`: broadcast
to the input's rank, `(1, features)` for the default axis, while the saved weights keep only the kept
axes (keras-io guide `preprocessing_layers` reads `normalizer.mean`). Values checked against NumPy."""
import numpy as np

import tkeras


def test_default_axis_statistics_have_a_batch_axis_of_one():
    x = np.random.default_rng(0).normal(size=(10, 5))
    layer = tkeras.layers.Normalization()
    assert layer.mean is None
    layer.adapt(x)
    mean, variance = np.asarray(layer.mean), np.asarray(layer.variance)
    assert mean.shape == variance.shape == (1, 5)
    np.testing.assert_allclose(mean, x.mean(0, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(variance, x.var(0, keepdims=True), rtol=1e-5)
    assert [tuple(w.shape) for w in layer.weights] == [(5,), (5,), ()]


def test_several_kept_axes():
    x = np.random.default_rng(1).normal(size=(6, 3, 4))
    layer = tkeras.layers.Normalization(axis=(1, 2))
    layer.adapt(x)
    assert tuple(np.asarray(layer.mean).shape) == (1, 3, 4)
    np.testing.assert_allclose(np.asarray(layer.mean), x.mean(0, keepdims=True), rtol=1e-5)
