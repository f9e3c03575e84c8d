"""TensorFlow's reductions keep an integer input's dtype: `tf.reduce_mean([1, 2])` is the int32 1 (the sum
divided by the count, truncated toward zero), a uint8 `tf.reduce_sum` wraps around at 256, and Keras 2's
`K.mean`/`K.sum`/`K.prod` do the same (a bool `K.mean` is a float). *시작하세요! 텐서플로 2.0 프로그래밍*'s
chapter 4 fits a line with `tf.reduce_mean` of Python lists; tutorials compute an accuracy as the mean of
an int32 match vector and print TensorFlow's 0. Checked against values recorded from TensorFlow 2.21
(tests/fixtures/make_nb_w1_integer_reductions_reference.py)."""
import json
import os

import numpy as np
import pytest

from tkeras import backend as K
from tkeras.compat import tf_namespace as tf

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb_w1_integer_reductions_reference.json")) as f:
    CASES = json.load(f)["cases"]
NAMES = {"tf": tf, "K": K, "np": np}  # what the recorded expressions are written over


@pytest.mark.parametrize("case", CASES, ids=[case["expression"] for case in CASES])
def test_reduction_matches_tensorflow(case):
    result = eval(case["expression"], dict(NAMES))  # noqa: S307 - the expressions recorded with the reference values
    assert str(result.dtype).replace("torch.", "") == case["dtype"]
    array = np.asarray(result)
    assert list(array.shape) == case["shape"]
    np.testing.assert_allclose(array.reshape(-1).astype("float64"), np.asarray(case["values"], "float64"), rtol=1e-6)


def test_a_mean_of_tensors_that_need_gradients_still_differentiates():
    """A list of float tensors (`tf.reduce_sum([loss_a, loss_b])`) is not integer data: it goes to Keras'
    reduction, which keeps the gradient."""
    import torch
    weight = torch.tensor(2.0, requires_grad=True)
    total = tf.reduce_sum([weight * 1.0, weight * 3.0])
    total.backward()
    assert float(weight.grad) == 4.0
