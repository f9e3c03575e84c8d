"""Reading a scalar variable back: `optimizer.learning_rate.numpy()` and `K.get_value(...)`.

Hands-On ML (ch. 10/11) learning-rate finders and schedulers read the rate with `.numpy()` (3rd ed.)
or `K.get_value` (2nd ed.), multiply it and print or plot it. TensorFlow gives NumPy scalars
(`np.float32(0.01)`, printed `0.01`; times a Python float it stays float32), not 0-d arrays or
Python floats of the float32 (`0.009999999776482582`). The expected types and printed values were
recorded from tf-keras 2.21 by tests/fixtures/make_nb_h0_scalar_values_reference.py.
"""
import importlib.util
import json
import os

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def _load_maker():
    path = os.path.join(FIXTURES, "make_nb_h0_scalar_values_reference.py")
    spec = importlib.util.spec_from_file_location("make_nb_h0_scalar_values_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


with open(os.path.join(FIXTURES, "nb_h0_scalar_values_reference.json")) as _f:
    REFERENCE = json.load(_f)


@pytest.fixture(scope="module")
def observed():
    return _load_maker().observe(tf)


@pytest.mark.parametrize("reading", sorted(REFERENCE))
def test_scalar_reading_matches_tf_keras(observed, reading):
    assert observed[reading] == REFERENCE[reading]


def test_vector_variable_numpy_is_still_an_array_snapshot():
    from tkeras.backend.variable import Variable
    variable = Variable(np.arange(3, dtype="float32"))
    before = variable.numpy()
    variable.assign(np.zeros(3, dtype="float32"))
    assert isinstance(before, np.ndarray) and before.tolist() == [0.0, 1.0, 2.0]
    assert np.asarray(Variable(2.5)).shape == ()
