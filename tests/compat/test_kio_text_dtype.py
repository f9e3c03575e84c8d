"""The dtype text arrays report (tkeras/data/text_dtype.py) compares as TensorFlow's tf.string does:
`x.dtype == "string"` holds for text of str and of bytes, while NumPy still sees the array's own dtype.
The TensorFlow comparisons were recorded by tests/fixtures/make_kio_text_dtype_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras.compat.tf_namespace as tf
from tkeras.data.text_dtype import text_array_dtype

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_text_dtype_reference.json")
_ARRAYS = {"str": np.array(["ab", "c"]), "bytes": np.array([b"\xff\x00", b"x"], dtype=object)}
_OTHERS = {"'string'": "string", "'str'": "str", "'float32'": "float32", "tf.string": tf.string,
           "tf.int32": tf.int32, "np.str_": np.str_, "np.bytes_": np.bytes_, "np.float32": np.float32}


@pytest.fixture(scope="module")
def reference():
    with open(_REFERENCE) as f:
        return json.load(f)


@pytest.mark.parametrize("kind", sorted(_ARRAYS))
def test_compares_as_tensorflows_string_dtype(reference, kind):
    dtype = text_array_dtype(_ARRAYS[kind])
    assert {name: dtype == other for name, other in _OTHERS.items()} == reference["equal"][kind]
    assert {name: dtype != other for name, other in _OTHERS.items()} == reference["not_equal"][kind]
    assert {name: other == dtype for name, other in _OTHERS.items() if not isinstance(other, type)} == {
        name: equal for name, equal in reference["equal"][kind].items() if not name.startswith("np.")}


def test_describes_itself_as_tensorflow_does(reference):
    dtype = text_array_dtype(_ARRAYS["str"])
    assert (dtype.name, repr(dtype)) == (reference["name"], reference["repr"])
    assert {flag: getattr(dtype, flag) for flag in reference["flags"]} == reference["flags"]


def test_numpy_still_sees_the_arrays_own_dtype():
    text, binary = text_array_dtype(_ARRAYS["str"]), text_array_dtype(_ARRAYS["bytes"])
    assert np.dtype(text) == np.dtype("<U2") and text.kind == "U" and text.itemsize == 8
    assert _ARRAYS["str"].astype(text).dtype == np.dtype("<U2")
    assert np.issubdtype(text, np.str_)
    assert binary == object and not text == object  # a bytes array is still told from a str one
    assert text == text_array_dtype(np.array(["longer text"])) and len({text, binary}) == 1


@pytest.mark.parametrize("numpy_type", [np.str_, np.bytes_, np.object_, np.dtype("<U3"), np.dtype("S2"),
                                        np.dtype(object)])
def test_as_dtype_reads_numpy_text_types_as_string(numpy_type):
    assert tf.as_dtype(numpy_type) == "string"  # TensorFlow: <dtype: 'string'> for each


@pytest.mark.parametrize("kind", sorted(_ARRAYS))
def test_text_tensors_report_it(reference, kind):
    """The arrays tf.constant and tf.data hand out give the dtype from `.dtype`, so `x.dtype == "string"`
    holds as on TensorFlow, and NumPy still reads the array as before."""
    tensor = tf.constant(_ARRAYS[kind])
    assert {name: tensor.dtype == other for name, other in _OTHERS.items()} == reference["equal"][kind]
    assert np.asarray(tensor).dtype == _ARRAYS[kind].dtype
    assert tf.string == np.object_ and tf.string == np.str_
