"""tf-keras 2's `K.function` and `K.placeholder` straight from `tkeras.backend`, without the import hook:
the graph between symbolic tensors evaluated eagerly on arrays, with tf-keras' call signature."""
import inspect
import subprocess
import sys

import numpy as np
import pytest

import tkeras as keras
from tkeras import backend as K


def test_signatures_are_tf_keras():
    assert str(inspect.signature(K.function)) == "(inputs, outputs, updates=None, name=None, **kwargs)"
    assert str(inspect.signature(K.placeholder)) == "(shape=None, ndim=None, dtype=None, sparse=False, name=None, " \
                                                     "ragged=False)"


def test_placeholder_graph_evaluates_against_numpy():
    rng = np.random.default_rng(1)
    x = K.placeholder(shape=(None, 4))
    dense = keras.layers.Dense(3, activation="tanh")
    hidden = dense(x)
    total = keras.layers.Dense(1)(hidden)
    run = K.function([x], [hidden, total])
    data = rng.normal(size=(5, 4)).astype("float32")
    got_hidden, got_total = run([data])
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(got_hidden, np.tanh(data @ kernel + bias), rtol=1e-5, atol=1e-6)
    assert isinstance(got_total, np.ndarray) and got_total.shape == (5, 1)


def test_learning_phase_input_switches_dropout():
    inputs = keras.Input((200,))
    dropped = keras.layers.Dropout(0.5)(inputs)
    run = K.function([inputs, K.learning_phase()], [dropped])
    ones = np.ones((8, 200), "float32")
    np.testing.assert_array_equal(run([ones, 0])[0], ones)
    zero_share = (run([ones, 1])[0] == 0).mean()
    assert 0.35 < zero_share < 0.65


def test_bad_calls_name_the_problem():
    x = K.placeholder(shape=(None, 2))
    y = keras.layers.Dense(1)(x)
    with pytest.raises(ValueError, match="takes 1 input value.*received 2"):
        K.function([x], [y])([np.ones((1, 2)), np.ones((1, 2))])
    with pytest.raises(ValueError, match="inputs must include the symbolic inputs"):
        K.function([np.ones(2)], [y])
    with pytest.raises(ValueError, match="outputs must be symbolic tensors.*ndarray"):
        K.function([x], [np.ones(2)])
    with pytest.raises(TypeError, match=r"updates.*\(variable, new_value\) pair, received tuple"):
        K.function([x], [y], updates=[(y, y)])  # a pair whose first entry is no variable


def test_the_compat_name_is_the_same_function():
    from tkeras.compat.legacy import backend as legacy_backend
    assert legacy_backend.function is K.function


def test_runs_without_the_compat_backend_module():
    code = ("import sys, numpy as np; from tkeras import backend as K; import tkeras as keras\n"
            "x = K.placeholder(shape=(None, 3)); y = keras.layers.Dense(2, kernel_initializer='ones')(x)\n"
            "print(K.function([x], [y])([np.ones((1, 3), 'float32')])[0].tolist(),\n"
            "      'tkeras.compat.legacy.backend' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[[3.0,", "3.0]]", "False"]
