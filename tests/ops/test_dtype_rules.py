"""Keras 3's dtype rules in tkeras.ops: each call of keras_cases_dtype_rules.py must return exactly the
dtype Keras' symbolic path gives (tests/fixtures/dtype_rules_reference.json, written by
make_dtype_rules_reference.py). test_keras_golden.py checks the values of the same calls, but lets
int64 pass where Keras-on-JAX says int32; here int32 (Keras' narrowing on non-TF backends) is the point."""
import json
import os

import numpy as np
import pytest

from tests.ops.keras_cases_dtype_rules import cases
from tests.ops.test_keras_golden import _resolve
from tkeras import ops

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")
with open(os.path.join(FIXTURES, "dtype_rules_reference.json")) as f:
    REFERENCE = json.load(f)
GOLDEN = np.load(os.path.join(FIXTURES, "keras_ops_dtype_rules_golden.npz"))
CASES = cases()


def _dtypes(value):
    if isinstance(value, (tuple, list)):
        return [d for item in value for d in _dtypes(item)]
    return [str(ops.convert_to_numpy(value).dtype)]


def test_reference_is_keras_3_15_1_and_complete():
    assert REFERENCE["keras_version"] == "3.15.1"
    assert {c[0] for c in CASES} == set(REFERENCE["dtypes"])


@pytest.mark.parametrize("case_id, path, args, kwargs", CASES, ids=[c[0] for c in CASES])
def test_result_dtype_is_keras(case_id, path, args, kwargs):
    expected = REFERENCE["dtypes"][case_id]
    if isinstance(expected, str):
        pytest.skip(f"Keras refuses this call: {expected}")
    eager = str(GOLDEN[f"{case_id}__0"].dtype) if f"{case_id}__0" in GOLDEN else None
    if eager is not None and eager != expected[0]:
        # Keras' symbolic and eager (JAX) paths disagree (floor_divide/power of two bools: bool against
        # int32); tkeras follows the eager values, which test_keras_golden compares.
        expected = [eager] + expected[1:]
    assert _dtypes(_resolve(path)(*args, **kwargs)) == expected


def test_unsigned_sums_are_int32_as_on_keras_torch_backend():
    """Keras' symbolic rule gives uint32 for sums and products of uint8, but its torch backend gives int32
    (torch has no uint32 arithmetic); tkeras does the same, so the result can be used further."""
    u8 = np.array([[200, 100], [255, 3]], "uint8")
    for op in (ops.sum, ops.prod, ops.nansum, ops.nanprod):
        result = op(u8, axis=0)
        assert str(ops.convert_to_numpy(result).dtype) == "int32", op.__name__
        ops.add(result, 1)  # still usable
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.sum(u8)), 558)
    assert str(ops.convert_to_numpy(ops.trace(u8)).dtype) == "int32"


def test_arg_reductions_index_tensors():
    """int32 indices (Keras') still index, gather and scatter in the other ops."""
    x = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    order, best = ops.argsort(x, axis=-1), ops.argmax(x, axis=-1)
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.take_along_axis(x, order, axis=-1)), np.sort(x, -1))
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.take_along_axis(x, ops.expand_dims(best, -1), axis=1))[:, 0],
                                  x.max(-1))
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.one_hot(best, 5)).argmax(-1), x.argmax(-1))
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.take(x, best, axis=1)), x[:, x.argmax(-1)])
    scattered = ops.scatter(ops.expand_dims(best, -1), ops.ones(3), (5,))
    assert float(ops.convert_to_numpy(ops.sum(scattered))) == 3.0


def test_tf_argmax_keeps_int64():
    """TensorFlow's tf.argmax defaults to output_type int64; only Keras' ops.argmax is int32."""
    from tkeras.ops.math_ops import tf_argmax
    assert str(ops.convert_to_numpy(tf_argmax(np.array([[1.0, 3.0], [2.0, 0.0]]))).dtype) == "int64"
