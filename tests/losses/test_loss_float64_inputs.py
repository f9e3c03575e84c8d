"""A loss function called directly on float64 NumPy arrays computes in float64, as in Keras 3 and tf-keras 2
(`keras.losses.mean_absolute_error(a, b)` printed 0.19999997 here instead of 0.19999999999999998); a float32
prediction, a Python list or a Loss class keeps float32, as Keras 3 does. Values recorded from Keras 3.15.1
on TensorFlow by tests/fixtures/make_loss_float64_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures.make_loss_float64_reference import FUNCTIONS, cases

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "loss_float64_reference.json")
with open(REFERENCE) as f:
    RECORDED = json.load(f)
KERAS3 = RECORDED["keras3"]["cases"]
OURS = cases(keras)


@pytest.mark.parametrize("case", sorted(KERAS3))
def test_dtype_and_values_as_keras_3(case):
    expected, got = KERAS3[case], OURS[case]
    assert got["dtype"] == expected["dtype"], case
    tolerance = 1e-12 if expected["dtype"] == "float64" else 1e-6
    np.testing.assert_allclose(got["values"], expected["values"], rtol=tolerance, atol=tolerance)


def test_every_function_keeps_float64_in_both_eras_but_tf_keras_huber():
    tf_keras2 = RECORDED["tf_keras2"]["cases"]
    for name in FUNCTIONS:
        assert KERAS3["float64 " + name]["dtype"] == "float64"
        assert tf_keras2["float64 " + name]["dtype"] == ("float32" if name == "huber" else "float64")


def test_float64_torch_tensors_were_already_kept_and_targets_are_not_rounded_through_float32():
    soft = np.array([[0.1, 0.9]])
    loss = keras.losses.mean_squared_error(soft, np.zeros((1, 2)))
    # (0.1^2 + 0.9^2) / 2 in float64; through float32 targets it would be 0.41000000387430193
    assert np.asarray(loss).dtype == np.float64 and np.asarray(loss)[0] == (0.1 ** 2 + 0.9 ** 2) / 2
