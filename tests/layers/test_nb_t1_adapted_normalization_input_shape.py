"""A Normalization adapted without `input_shape` starts a Sequential that is built at once (tf-keras 2).

The regression tutorial adapts `Normalization(axis=-1)` on 9 features, then prints the summary of
`Sequential([normalizer, Dense(64), Dense(64), Dense(1)])` before fitting: tf-keras lists output
shapes and 19 + 640 + 4160 + 65 parameters. Only the kept axes are fixed; other sizes stay free.
"""
import numpy as np

import tkeras as keras
from tkeras import layers


def test_sequential_after_adapt_is_built_with_the_feature_count():
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(np.random.default_rng(0).normal(size=(40, 9)).astype("float32"))
    model = keras.Sequential([normalizer, layers.Dense(64, activation="relu"), layers.Dense(64), layers.Dense(1)])
    assert model.built
    assert model.count_params() == (9 + 9 + 1) + (9 * 64 + 64) + (64 * 64 + 64) + (64 + 1)
    assert tuple(model.layers[1].kernel.shape) == (9, 64)
    assert tuple(model.output_shape) == (None, 1)


def test_only_the_kept_axes_become_known():
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(np.ones((4, 5, 6, 3), "float32"))
    model = keras.Sequential([normalizer, layers.Conv2D(2, 3)])
    assert tuple(model.input_shape) == (None, None, None, 3)
    assert model.predict(np.ones((1, 7, 8, 3), "float32"), verbose=0).shape == (1, 5, 6, 2)


def test_a_given_input_shape_wins_and_scalar_statistics_stay_lazy():
    given = layers.Normalization(input_shape=[1], axis=None)
    given.adapt(np.arange(10.0))
    assert tuple(keras.Sequential([given, layers.Dense(1)]).input_shape) == (None, 1)
    scalar = layers.Normalization(axis=None)
    scalar.adapt(np.arange(10.0))
    assert not keras.Sequential([scalar, layers.Dense(1)]).built
