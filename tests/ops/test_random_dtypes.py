"""`keras.random` refuses integer dtypes where Keras 3.15.1 does (tests/fixtures/random_dtypes_swish_reference.json,
written by make_random_dtypes_swish_reference.py), while TensorFlow's integer `tf.random.uniform` keeps working."""
import json
import os
import re

import numpy as np
import pytest
import torch

from tkeras import ops

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")
with open(os.path.join(FIXTURES, "random_dtypes_swish_reference.json")) as f:
    REFERENCE = json.load(f)["keras3"]

CALLS = {
    "uniform_int32": lambda: ops.random.uniform((2,), dtype="int32"),
    "uniform_int32_maxval": lambda: ops.random.uniform((2,), minval=0, maxval=10, dtype="int32"),
    "uniform_uint8": lambda: ops.random.uniform((2,), dtype="uint8"),
    "uniform_bool": lambda: ops.random.uniform((2,), dtype="bool"),
    "randint_float32": lambda: ops.random.randint((2,), 0, 5, dtype="float32"),
    "normal_int32": lambda: ops.random.normal((2,), dtype="int32"),
    "truncated_normal_int32": lambda: ops.random.truncated_normal((2,), dtype="int32"),
    "gamma_int32": lambda: ops.random.gamma((2,), 1.0, dtype="int32"),
    "beta_int32": lambda: ops.random.beta((2,), 1.0, 1.0, dtype="int32"),
    "binomial_int32": lambda: ops.random.binomial((2,), 5, 0.5, dtype="int32"),
}


def test_reference_is_keras_3_15_1_and_covers_every_call():
    assert REFERENCE["version"] == "3.15.1"
    assert set(REFERENCE["random_errors"]) == set(CALLS)


@pytest.mark.parametrize("key", sorted(CALLS))
def test_refused_dtype_raises_what_keras_raises(key):
    error_type, message = REFERENCE["random_errors"][key]
    with pytest.raises(Exception) as caught:
        CALLS[key]()
    assert type(caught.value).__name__ == error_type
    op, dtype = re.match(r"(\w+?)_(int32|uint8|bool|float32)", key).groups()
    assert str(caught.value).startswith(f"keras.random.{op}: argument 'dtype' must be ")
    assert str(caught.value).endswith(f"received dtype={dtype}")
    assert dtype in message  # the dtype Keras names too


def test_float_and_integer_draws_still_work():
    assert ops.random.uniform((3,), dtype="float16").dtype == torch.float16
    ints = ops.random.randint((50,), 0, 3, dtype="int64", seed=2)
    assert ints.dtype == torch.int64 and set(np.asarray(ints).tolist()) <= {0, 1, 2}
    assert ops.random.randint((4,), 0, 3, dtype="uint8").dtype == torch.uint8


def test_tensorflow_integer_uniform_is_not_keras_uniform():
    """tf.random.uniform (and TF1's random_uniform) draw integers in [minval, maxval) for an integer dtype."""
    from tkeras.compat.tf_namespace import random as tf_random
    from tkeras.compat.tf_namespace.compat import v1
    for draw in (tf_random.uniform([200], minval=3, maxval=7, dtype="int32", seed=1),
                 v1.random_uniform([200], maxval=4, dtype="int32"),
                 tf_random.stateless_uniform([200], seed=(1, 2), minval=0, maxval=5, dtype="int64")):
        values = np.asarray(draw)
        assert values.dtype.kind == "i" and values.min() >= 0 and values.max() < 7
