"""`tf.*` functions on RaggedTensors answer as TensorFlow's ragged dispatch does: reductions over any axis
(empty rows give 0, 1, the dtype's extremes, NaN or -inf as TensorFlow does; int means are float64),
elementwise functions on the flat values, `reverse`, `where`, `gather`, `stack`, `expand_dims`, `size`,
`ones_like`. Each case's text is evaluated with tkeras' `tf` and compared with what TensorFlow 2.21
returned for the same text (tests/fixtures/make_ragged_dispatch_reference.py). Cases TensorFlow itself
refuses are not compared."""
import json
import math
import os

import numpy as np
import pytest
import torch

import tkeras.compat.tf_namespace as tf
from tests.fixtures.make_ragged_dispatch_reference import SETUP

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "ragged_dispatch_reference.json")
with open(REFERENCE) as f:
    RECORDED = json.load(f)["cases"]
ANSWERED = sorted(case for case, expected in RECORDED.items() if expected["kind"] != "error")


def _scope():
    scope = {"tf": tf}
    for name, text in SETUP.items():
        scope[name] = eval(text, scope)
    return scope


def _same(got, expected, where="value"):
    if isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), f"{where}: {got!r} vs {expected!r}"
        for i, (g, e) in enumerate(zip(got, expected)):
            _same(g, e, f"{where}[{i}]")
    elif isinstance(expected, bool):
        assert got is expected or got == expected, f"{where}: {got!r} vs {expected!r}"
    elif math.isnan(expected):
        assert math.isnan(got), f"{where}: {got!r} vs nan"
    else:
        assert got == pytest.approx(expected, rel=1e-6, abs=1e-6), f"{where}: {got!r} vs {expected!r}"


def _describe(value):
    if isinstance(value, tf.RaggedTensor):
        return {"kind": "ragged", "ragged_rank": value.ragged_rank, "dtype": str(value.dtype).replace("torch.", ""),
                "values": value.to_list()}
    array = np.asarray(value)
    return {"kind": "dense", "dtype": str(array.dtype), "shape": list(array.shape), "values": array.tolist()}


def test_most_recorded_cases_are_answers():
    assert len(ANSWERED) > 150


@pytest.mark.parametrize("case", ANSWERED)
def test_as_tensorflow(case):
    expected = RECORDED[case]
    got = _describe(eval(case, _scope()))
    assert got["kind"] == expected["kind"]
    assert got["dtype"] == expected["dtype"]
    if expected["kind"] == "ragged":
        assert got["ragged_rank"] == expected["ragged_rank"]
    else:
        assert got["shape"] == expected["shape"]
    _same(got["values"], expected["values"])


def test_dense_input_still_goes_to_the_dense_functions():
    x = tf.constant([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(np.asarray(tf.reduce_mean(x, axis=1)), [1.5, 4.0])
    np.testing.assert_allclose(np.asarray(tf.math.reduce_sum(input_tensor=x, axis=0)), [4.0, 7.0])
    np.testing.assert_allclose(np.asarray(tf.reverse(x, axis=[1])), [[2.0, 1.0], [5.0, 3.0]])
    assert isinstance(tf.exp(x), torch.Tensor) and int(tf.size(x)) == 4


def test_text_and_unsupported_axes_say_what_is_wrong():
    words = tf.ragged.constant([["a", "b"], ["c"]])
    with pytest.raises(TypeError, match="holds strings"):
        tf.reduce_max(words, axis=1)
    with pytest.raises(NotImplementedError, match="axis=0"):
        tf.gather(tf.ragged.constant([[1, 2], [3]]), [0], axis=1)
    with pytest.raises(ValueError, match="out of range"):
        tf.reduce_sum(tf.ragged.constant([[1, 2], [3]]), axis=2)


def test_operands_by_keyword_as_a_rebuilt_tf_op_layer_passes_them():
    rt = tf.ragged.constant([[1.0, 2.0], [3.0]])
    assert tf.math.subtract(rt, y=1.0).to_list() == [[0.0, 1.0], [2.0]]
    assert tf.math.subtract(x1=rt, x2=1.0).to_list() == [[0.0, 1.0], [2.0]]
    np.testing.assert_allclose(np.asarray(tf.math.subtract(x1=tf.constant([3.0]), x2=1.0)), [2.0])
    assert tf.exp(x=tf.ragged.constant([[0.0], []])).to_list() == [[1.0], []]
    assert tf.ones_like(input=rt).to_list() == [[1.0, 1.0], [1.0]]
