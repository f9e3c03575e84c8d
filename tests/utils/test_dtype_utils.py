"""keras.backend/utils dtype helpers against Keras 3.15.1's answers (tests/fixtures/dtype_reference.json,
made by tests/fixtures/make_dtype_reference.py)."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.backend import dtypes

with open(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "dtype_reference.json")) as f:
    REFERENCE = json.load(f)
PYTHON = {"int": int, "float": float}
SPELLED = {"None": None, "int": int, "float": float, "bool": bool, "str": str, "'int'": "int",
           "np.float64": np.float64, "np.dtype(int16)": np.dtype("int16"), "'uint8'": "uint8",
           "'float128'": "float128", "'double'": "double"}


def answer(function, *args):
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - the fixture records the error's class
        return "error: " + type(error).__name__


@pytest.mark.parametrize("case", sorted(REFERENCE["result_type"]))
def test_result_type_matches_keras(case):
    args = [PYTHON.get(part, part) for part in case.split("|")]
    assert answer(keras.backend.result_type, *args) == REFERENCE["result_type"][case]


@pytest.mark.parametrize("spelling", sorted(REFERENCE["standardize_dtype"]))
def test_standardize_dtype_matches_keras(spelling):
    assert answer(keras.utils.standardize_dtype, SPELLED[spelling]) == REFERENCE["standardize_dtype"][spelling]


def test_torch_dtypes_and_the_error_message():
    assert keras.backend.standardize_dtype(torch.bfloat16) == "bfloat16"
    assert keras.backend.standardize_dtype(torch.int64) == "int64"
    with pytest.raises(ValueError, match="Invalid dtype: double .*expected one of bfloat16, float16"):
        dtypes.standardize_dtype("double")


def test_float_and_int_predicates():
    assert keras.backend.is_float_dtype("bfloat16") and keras.backend.is_float_dtype(float)
    assert not keras.backend.is_float_dtype("int8")
    assert keras.backend.is_int_dtype("uint16") and keras.backend.is_int_dtype(np.int64)
    assert not keras.backend.is_int_dtype("bool")


def test_floatx_sets_the_default_and_weak_precision():
    keras.backend.set_floatx("float16")
    try:
        assert keras.utils.standardize_dtype(None) == "float16"
        assert keras.backend.result_type(int, float) == "float16"
    finally:
        keras.backend.set_floatx("float32")
