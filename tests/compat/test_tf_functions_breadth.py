"""tf.math / tf.nn / tf.linalg / top-level tf functions against real TensorFlow 2.21
(tests/fixtures/tf_functions_reference.*, made by make_tf_functions_reference.py from the calls in
tf_functions_cases.py): values, shapes, dtype names, and the exception types and texts for bad input."""
import json
import pathlib
import sys

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures"
sys.path.insert(0, str(FIXTURES))
from tf_functions_cases import CASES, ERRORS  # noqa: E402

VALUES = np.load(FIXTURES / "tf_functions_reference.npz")
META = json.loads((FIXTURES / "tf_functions_reference.json").read_text())


def _dtype_name(t):
    return str(t.dtype).replace("torch.", "")


@pytest.mark.parametrize("key", sorted(CASES))
def test_matches_tensorflow(key):
    result = CASES[key](tf)
    parts = result if isinstance(result, list) else [result]
    expected = META["values"][key]
    assert len(parts) == len(expected)
    for i, (t, want) in enumerate(zip(parts, expected)):
        assert _dtype_name(t) == want["dtype"], (key, i)
        assert list(t.shape) == want["shape"], (key, i)
        actual, reference = np.asarray(t.detach().cpu()), VALUES[f"{key}/{i}"]
        if reference.dtype.kind in "fc":
            tol = 1e-9 if reference.dtype == np.float64 else 2e-5
            np.testing.assert_allclose(actual, reference, rtol=tol * 10, atol=tol * 10, err_msg=key)
        else:
            np.testing.assert_array_equal(actual, reference, err_msg=key)


@pytest.mark.parametrize("key", sorted(ERRORS))
def test_errors_match_tensorflow(key):
    call, type_name, fragment = ERRORS[key]
    recorded = META["errors"][key]
    assert recorded["type"] == type_name and fragment in recorded["message"]
    with pytest.raises(Exception) as info:
        call(tf)
    assert type(info.value).__name__ == type_name
    assert fragment in str(info.value)
    if type_name.endswith("Error") and hasattr(tf.errors, type_name):
        assert isinstance(info.value, getattr(tf.errors, type_name))


def test_errors_module_codes_and_catching():
    assert tf.errors.InvalidArgumentError(None, None, "m").error_code == tf.errors.INVALID_ARGUMENT == 3
    assert issubclass(tf.errors.OutOfRangeError, tf.errors.OpError)
    with pytest.raises(tf.errors.OpError):
        tf.math.segment_sum([1.0, 2.0], [1, 0])


def test_nest_round_trip_in_tensorflow_order():
    structure = {"b": (1, [2, 3]), "a": 4}
    flat = tf.nest.flatten(structure)
    assert flat == [4, 1, 2, 3]
    assert tf.nest.pack_sequence_as(structure, flat) == structure
    assert tf.nest.map_structure(lambda x, y: x + y, [1, (2,)], [10, (20,)]) == [11, (22,)]
    with pytest.raises(ValueError):
        tf.nest.assert_same_structure([1, 2], [1])


def test_implemented_names_are_no_longer_unsupported():
    for name in ("gather_nd", "scan", "errors", "nest", "bitwise", "sets", "unique", "roll", "uint32"):
        assert hasattr(tf, name), name
    assert not hasattr(tf.nn, "no_such_function")
