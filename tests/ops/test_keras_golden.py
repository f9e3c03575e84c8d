"""tkeras.ops against real Keras 3's outputs for the calls of keras_cases*.py (fixtures made by
tests/fixtures/make_ops_golden.py): padding conventions, kernel layouts, CTC, attention masks, STFT
framing, linear algebra and the NumPy-family edge cases, dtypes and promotion."""
import glob
import importlib
import os

import numpy as np
import pytest

from tkeras import ops

HERE = os.path.dirname(__file__)
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")
FUNCTIONS = {"ADD": lambda a, b: a + b}


def _suites():
    """{suite: (cases, golden)}: keras_cases.py -> keras_ops_golden.npz, keras_cases_X.py -> keras_ops_X_golden.npz."""
    found = {}
    for path in sorted(glob.glob(os.path.join(HERE, "keras_cases*.py"))):
        module = os.path.basename(path)[:-3]
        suite = module[len("keras_cases_"):] if module != "keras_cases" else None
        golden = "keras_ops_golden.npz" if suite is None else f"keras_ops_{suite}_golden.npz"
        cases = importlib.import_module(f"tests.ops.{module}").cases()
        found[suite or "core"] = (cases, np.load(os.path.join(FIXTURES, golden)))
    return found


SUITES = _suites()
CASES = [(suite, *case) for suite, (cases, _) in SUITES.items() for case in cases]


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
    for suite, (cases, golden) in SUITES.items():
        assert str(golden["__version__"]) == "3.15.1", suite
        for case_id, *_ in cases:
            assert f"{case_id}__0" in golden or f"{case_id}__error" in golden, (suite, case_id)


@pytest.mark.parametrize("suite, case_id, path, args, kwargs", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_matches_keras(suite, case_id, path, args, kwargs):
    golden = SUITES[suite][1]
    if f"{case_id}__error" in golden:
        pytest.skip(f"Keras itself refuses this call: {golden[f'{case_id}__error']}")
    args = tuple(FUNCTIONS.get(a, a) if isinstance(a, str) else a for a in args)
    got = _leaves(_resolve(path)(*args, **kwargs))
    expected = [golden[f"{case_id}__{i}"] for i in range(len(got))]
    assert f"{case_id}__{len(got)}" not in golden, f"Keras returns more outputs than the {len(got)} tkeras gives"
    for i, (a, b) in enumerate(zip(got, expected)):
        assert a.shape == b.shape, f"output {i}: shape {a.shape}, Keras {b.shape}"
        # JAX runs without 64-bit types, so where tkeras keeps a NumPy int64 input's dtype Keras says int32.
        assert a.dtype == b.dtype or (a.dtype, b.dtype) == (np.int64, np.int32), (
            f"output {i}: dtype {a.dtype}, Keras {b.dtype}")
        if b.dtype.kind in "iub":
            np.testing.assert_array_equal(a, b, err_msg=f"output {i}")
        else:
            np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5, err_msg=f"output {i}")
