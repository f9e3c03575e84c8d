"""tkeras.ops against real Keras 3's outputs for the calls of keras_cases.py (fixture made by
tests/fixtures/make_ops_golden.py): padding conventions, kernel layouts, CTC, attention masks, STFT
framing, linear algebra and the NumPy-family edge cases."""
import os

import numpy as np
import pytest

from tests.ops.keras_cases import cases
from tkeras import ops

GOLDEN = np.load(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "keras_ops_golden.npz"))
FUNCTIONS = {"ADD": lambda a, b: a + b}
CASES = cases()


def _leaves(value):
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [ops.convert_to_numpy(value)]


def _resolve(path):
    value = ops
    for part in path.split("."):
        value = getattr(value, part)
    return value


def test_every_case_has_a_keras_result():
    assert str(GOLDEN["__version__"]) == "3.15.1"
    for case_id, *_ in CASES:
        assert f"{case_id}__0" in GOLDEN or f"{case_id}__error" in GOLDEN, case_id


@pytest.mark.parametrize("case_id, path, args, kwargs", CASES, ids=[c[0] for c in CASES])
def test_matches_keras(case_id, path, args, kwargs):
    if f"{case_id}__error" in GOLDEN:
        pytest.skip(f"Keras itself refuses this call: {GOLDEN[f'{case_id}__error']}")
    args = tuple(FUNCTIONS.get(a, a) if isinstance(a, str) else a for a in args)
    got = _leaves(_resolve(path)(*args, **kwargs))
    expected = [GOLDEN[f"{case_id}__{i}"] for i in range(len(got))]
    assert f"{case_id}__{len(got)}" not in GOLDEN, f"Keras returns more outputs than the {len(got)} tkeras gives"
    for i, (a, b) in enumerate(zip(got, expected)):
        assert a.shape == b.shape, f"output {i}: shape {a.shape}, Keras {b.shape}"
        # JAX runs without 64-bit types, so where tkeras keeps a NumPy int64 input's dtype Keras says int32.
        assert a.dtype == b.dtype or (a.dtype, b.dtype) == (np.int64, np.int32), (
            f"output {i}: dtype {a.dtype}, Keras {b.dtype}")
        if b.dtype.kind in "iub":
            np.testing.assert_array_equal(a, b, err_msg=f"output {i}")
        else:
            np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5, err_msg=f"output {i}")
