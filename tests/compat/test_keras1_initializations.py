"""Keras 1's `keras.initializations`: functions of a shape returning a variable, with Keras 1's scales.

The references are the closed forms Keras 1 used (Glorot: sqrt(6 / (fan_in + fan_out)) half-width,
He normal: sqrt(2 / fan_in) standard deviation, orthogonal times 1.1, ...), checked on large draws.
"""
import math

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.compat.import_hook import install, uninstall
from tkeras.compat.legacy import initializations as init


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)


def test_keras_initializations_resolves_to_the_keras1_functions():
    install()
    try:
        import keras.initializations as legacy
        from keras import initializers
        assert legacy.normal is init.normal and legacy.get("glorot_uniform") is init.glorot_uniform
        assert initializers.RandomNormal is keras.initializers.RandomNormal  # Keras 2's module is unchanged
    finally:
        uninstall()


def test_normal_and_uniform_take_scale_and_return_a_named_variable():
    weight = init.normal((400, 300), scale=0.01, name="dense_W")
    assert isinstance(weight, keras.Variable) and weight.name == "dense_W" and tuple(weight.shape) == (400, 300)
    values = weight.numpy()
    assert values.std() == pytest.approx(0.01, rel=0.02) and abs(values.mean()) < 1e-3
    values = init.uniform((400, 300), scale=0.2).numpy()
    assert values.min() >= -0.2 and values.max() <= 0.2 and values.std() == pytest.approx(0.2 / math.sqrt(3), rel=0.02)
    assert init.normal((50, 50)).numpy().std() == pytest.approx(0.05, rel=0.05)  # Keras 1's default scale


def test_fans_follow_keras1_dim_ordering():
    assert init.get_fans((30, 20)) == (30, 20)
    assert init.get_fans((8, 3, 5, 5)) == (3 * 25, 8 * 25)  # 'th': (out, in, rows, cols)
    assert init.get_fans((5, 5, 3, 8), dim_ordering="tf") == (3 * 25, 8 * 25)
    with pytest.raises(ValueError, match="dim_ordering must be 'th' or 'tf', received 'xy'"):
        init.get_fans((5, 5, 3, 8), dim_ordering="xy")


@pytest.mark.parametrize("function, kind, scale", [
    (init.glorot_uniform, "uniform", math.sqrt(6.0 / (300 + 200))),
    (init.glorot_normal, "normal", math.sqrt(2.0 / (300 + 200))),
    (init.he_uniform, "uniform", math.sqrt(6.0 / 300)),
    (init.he_normal, "normal", math.sqrt(2.0 / 300)),
    (init.lecun_uniform, "uniform", math.sqrt(3.0 / 300)),
])
def test_fan_scaled_functions(function, kind, scale):
    values = function((300, 200)).numpy()
    if kind == "uniform":
        assert np.abs(values).max() <= scale and np.abs(values).max() > 0.99 * scale
    else:  # not truncated: values beyond two standard deviations occur (about 4.6 %)
        assert values.std() == pytest.approx(scale, rel=0.02) and (np.abs(values) > 2 * scale).mean() > 0.03


def test_orthogonal_identity_zero_one():
    q = init.orthogonal((20, 30)).numpy().astype("float64")
    np.testing.assert_allclose(q @ q.T, 1.1 ** 2 * np.eye(20), atol=1e-5)  # Keras 1's default scale is 1.1
    q = init.orthogonal((30, 20), scale=1.0).numpy().astype("float64")
    np.testing.assert_allclose(q.T @ q, np.eye(20), atol=1e-5)
    np.testing.assert_array_equal(init.identity((3, 3), scale=2).numpy(), 2 * np.eye(3))
    with pytest.raises(ValueError, match=r"only 2D square matrices .* received shape \(3, 4\)"):
        init.identity((3, 4))
    assert not init.zero((2, 3)).numpy().any() and (init.one((2,)).numpy() == 1).all()
    with pytest.raises(ValueError, match="Unknown keras.initializations function: 'glorot'"):
        init.get("glorot")


def test_a_keras1_init_function_of_shape_and_name_initialises_a_layer():
    dense = keras.layers.Dense(300, init=lambda shape, name: init.normal(shape, scale=0.001, name=name))
    dense.build((None, 200))
    assert dense.kernel.numpy().std() == pytest.approx(0.001, rel=0.03)
    assert isinstance(dense.kernel, keras.Variable) and dense.kernel.name == "kernel"
    # A Keras 1 function passed itself gets tkeras' kernel layout: fans of a (rows, cols, in, out) kernel.
    conv = keras.layers.Convolution2D(64, 3, 3, init=init.he_uniform)
    conv.build((None, 8, 8, 16))
    assert np.abs(conv.kernel.numpy()).max() == pytest.approx(math.sqrt(6.0 / (16 * 9)), rel=0.02)
    only_shape = keras.layers.Dense(2, kernel_initializer=lambda shape: np.full(shape, 0.5))
    only_shape.build((None, 3))
    assert (only_shape.kernel.numpy() == 0.5).all()


def test_numpy_seed_makes_the_draws_repeatable_as_in_keras1():
    # Keras 1's backends took every initializer's seed from NumPy's global generator, so a script's
    # `np.random.seed(1337)` alone fixed its initial weights; torch's generator plays no part.
    np.random.seed(1337)
    first = init.normal((4, 5), scale=0.01).numpy(), init.glorot_uniform((4, 5)).numpy()
    np.random.seed(1337)
    torch.manual_seed(99)
    second = init.normal((4, 5), scale=0.01).numpy(), init.glorot_uniform((4, 5)).numpy()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(init.normal((4, 5), scale=0.01).numpy(), first[0])  # the generator moves on
