"""How tensors and variables look and convert in user code, against Keras 3 on TensorFlow (recorded by
tests/fixtures/make_kio_tensor_faces_reference.py): Variable and EagerTensor reprs, unnamed variables'
auto-names, NumPy functions applied to tensors, Python lists as operator operands, TensorFlow's integer
dtype codes and complex dtype names.
"""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras import ops
from tkeras.backend import clear_session
from tkeras.compat import tf_namespace as tf

_PATH = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_tensor_faces_reference.json")
with open(_PATH) as f:
    REFERENCE = json.load(f)

VARIABLE_VALUES = {
    "float_vector": np.array([1.0, 2.0], "float32"), "float_scalar": np.float32(2.0),
    "int_vector": np.array([1, 2, 3], "int32"), "float_matrix": np.array([[1.5, -2.0], [0.25, 4.0]], "float32"),
    "bool_vector": np.array([True, False]), "float64_scalar": np.float64(0.1),
}


@pytest.mark.parametrize("key", sorted(VARIABLE_VALUES))
def test_variable_repr_matches_keras(key):
    value = VARIABLE_VALUES[key]
    assert repr(keras.Variable(value, name="v", dtype=value.dtype.name)) == REFERENCE["variable_reprs"][key]


def test_unnamed_variables_are_auto_named_as_in_keras():
    clear_session(free_memory=False)
    assert [keras.Variable(1.0).path for _ in range(3)] == REFERENCE["unnamed_variable_paths"]
    assert [keras.Variable(1.0).name for _ in range(2)] == REFERENCE["unnamed_variable_names"]


def test_tf_variable_reprs_match_tensorflow():
    assert repr(tf.Variable(2.0)) == REFERENCE["tf_variable_reprs"]["unnamed_scalar"]
    assert repr(tf.Variable([1.0, 2.0], name="w")) == REFERENCE["tf_variable_reprs"]["named_vector"]


def _tensors():
    return {
        "float_scalar": tf.constant(0.0), "float_scalar_fraction": tf.constant(0.1), "int_scalar": tf.constant(3),
        "bool_scalar": tf.constant(True), "float64_scalar": tf.constant(0.1, tf.float64),
        "float_vector": tf.constant([1.0, 2.0]), "int_matrix": tf.constant([[1, 2], [3, 4]]),
    }


@pytest.mark.parametrize("key", sorted(REFERENCE["tensor_reprs"]))
def test_tensor_repr_and_str_match_tensorflow(key):
    value = _tensors()[key]
    assert repr(value) == REFERENCE["tensor_reprs"][key]
    assert str(value) == REFERENCE["tensor_strs"][key]


def _numpy_calls():
    probabilities = tf.constant([[0.2, 0.3, 0.5]])
    matrix = tf.constant([[1.0, -2.0], [3.0, 4.0]])
    return {
        "squeeze": lambda: np.squeeze(probabilities), "mean": lambda: np.mean(matrix),
        "mean_axis": lambda: np.mean(matrix, axis=0), "sum": lambda: np.sum(matrix), "max": lambda: np.max(matrix),
        "argmax": lambda: np.argmax(matrix), "argmax_axis": lambda: np.argmax(matrix, axis=1),
        "std": lambda: np.std(matrix), "round": lambda: np.round(matrix), "clip": lambda: np.clip(matrix, 0.0, 2.0),
        "transpose": lambda: np.transpose(matrix), "reshape": lambda: np.reshape(matrix, (4,)),
        "expand_dims": lambda: np.expand_dims(matrix, 0), "concatenate": lambda: np.concatenate([matrix, matrix]),
        "stack": lambda: np.stack([matrix, matrix]), "where": lambda: np.where(matrix > 0),
        "shape": lambda: np.shape(matrix), "ndim": lambda: np.ndim(matrix), "size": lambda: np.size(matrix),
        "allclose": lambda: np.allclose(matrix, matrix), "dot": lambda: np.dot(matrix, matrix),
        "norm": lambda: np.linalg.norm(matrix), "cumsum": lambda: np.cumsum(matrix),
        "sort": lambda: np.sort(matrix, axis=None),
    }


def _check_numpy_result(result, expected):
    kind = expected["kind"]
    if kind == "tuple":
        assert isinstance(result, tuple) and len(result) == len(expected["value"])
        for item, expected_item in zip(result, expected["value"]):
            _check_numpy_result(item, expected_item)
    elif kind == "ndarray":
        assert type(result) is np.ndarray
        assert str(result.dtype) == expected["dtype"]
        np.testing.assert_allclose(result, np.asarray(expected["value"]), rtol=1e-6)
    elif kind == "numpy_scalar":
        assert isinstance(result, np.generic) and str(result.dtype) == expected["dtype"]
        np.testing.assert_allclose(result, expected["value"], rtol=1e-6)
    else:  # a Python value (np.shape gives TensorFlow's TensorShape, which equals the tuple)
        assert list(result) == expected["value"] if kind == "TensorShape" else result == expected["value"]


@pytest.mark.parametrize("key", sorted(REFERENCE["numpy_functions"]))
def test_numpy_functions_on_tensors_give_numpy_results(key):
    _check_numpy_result(_numpy_calls()[key](), REFERENCE["numpy_functions"][key])


@pytest.mark.parametrize("key", sorted(REFERENCE["variable_numpy_functions"]))
def test_numpy_functions_on_variables_give_numpy_snapshots(key):
    variable = keras.Variable([[1.0, 2.0]], name="numpy_seen")
    calls = {"squeeze": lambda: np.squeeze(variable), "mean": lambda: np.mean(variable),
             "size": lambda: np.size(variable), "concatenate": lambda: np.concatenate([variable, variable]),
             "transpose": lambda: np.transpose(variable)}
    result = calls[key]()
    _check_numpy_result(result, REFERENCE["variable_numpy_functions"][key])
    if isinstance(result, np.ndarray):  # a snapshot: later assignments leave it alone
        before = result.copy()
        variable.assign([[7.0, 8.0]])
        np.testing.assert_array_equal(result, before)


def test_numpy_random_choice_takes_squeezed_softmax_probabilities():
    probabilities = ops.softmax(tf.constant([[0.1, 0.7, -0.3, 2.0, 0.05]]))
    squeezed = np.squeeze(probabilities)
    assert type(squeezed) is np.ndarray
    assert 0 <= np.random.default_rng(0).choice(5, p=squeezed) < 5


def _operand_cases():
    int_vector, float_vector = tf.constant([1, 2]), tf.constant([1.0, 2.0])
    return {
        "int_list_plus_int_tensor": lambda: [1, 2] + int_vector,
        "int_tensor_plus_int_list": lambda: int_vector + [1, 2],
        "one_item_list_minus_int_tensor": lambda: [5] - int_vector,
        "int_list_minus_float_tensor": lambda: [5, 6] - float_vector,
        "float_tensor_times_float_list": lambda: float_vector * [0.5, 2.0],
        "tuple_plus_int_tensor": lambda: (1, 2) + int_vector,
        "float_list_divided_by_float_tensor": lambda: [1.0, 3.0] / float_vector,
        "int_tensor_less_than_list": lambda: int_vector < [2, 2],
        "int_tensor_equals_list": lambda: int_vector == [1, 3],
    }


@pytest.mark.parametrize("key", sorted(REFERENCE["list_operands"]))
def test_python_lists_as_operands_convert_as_in_tensorflow(key):
    result, expected = _operand_cases()[key](), REFERENCE["list_operands"][key]
    assert isinstance(result, tf.Tensor)
    assert keras.backend.standardize_dtype(result.dtype) == expected["dtype"]
    assert result.numpy().tolist() == expected["value"]


@pytest.mark.parametrize("code", sorted(REFERENCE["dtype_codes"]))
def test_tensorflow_integer_dtype_codes(code):
    result = tf.zeros(2, int(code))
    assert keras.backend.standardize_dtype(result.dtype) == REFERENCE["dtype_codes"][code]
    assert keras.backend.standardize_dtype(tf.cast([1, 2], 1).dtype) == REFERENCE["dtype_code_through_cast"]


@pytest.mark.parametrize("name", sorted(REFERENCE["complex_casts"]))
def test_complex_casts(name):
    expected = REFERENCE["complex_casts"][name]
    result = ops.cast(np.array([1.0, -2.5], "float32"), name)
    assert keras.backend.standardize_dtype(result.dtype) == expected["dtype"]
    np.testing.assert_array_equal(np.real(result.numpy()), expected["real"])
    np.testing.assert_array_equal(np.imag(result.numpy()), expected["imag"])
    assert [keras.backend.standardize_dtype(n) for n in ("complex64", "complex128")] == \
        REFERENCE["complex_standardized"]
