"""Keras 1 argument names of K.* functions that the Keras blog's 2016 code uses (`std=` of
K.random_normal in the VAE's sampling function)."""
import numpy as np
import pytest

from tkeras import backend as K


def test_random_normal_takes_keras1_std():
    draws = K.random_normal(shape=(20000,), mean=1.0, std=0.0)
    np.testing.assert_array_equal(np.asarray(draws), np.ones(20000))
    spread = np.asarray(K.random_normal(shape=(20000,), mean=0.0, std=3.0, seed=1))
    assert 2.8 < spread.std() < 3.2
    with pytest.raises(TypeError, match="unexpected keyword"):
        K.random_normal(shape=(2,), sigma=1.0)
