"""The ops that only move elements around work on text as on numbers, as they do on TensorFlow's string
tensors: keras-io's wide_deep_cross_networks writes `StringLookup(...)(ops.expand_dims(text_input, -1))`.
NumPy, which moves strings the same way, is the reference."""
import numpy as np
import pytest

from tkeras import ops

TEXT = np.array([["a", "bb"], ["", "ccc"], ["d", "e"]])


def _as_str(value):
    """Text as str (tkeras hands out str arrays; TensorFlow's `.numpy()` gives bytes)."""
    return np.vectorize(lambda s: s.decode() if isinstance(s, bytes) else str(s), otypes=[str])(np.asarray(value))


@pytest.mark.parametrize("name, run, expected", [
    ("expand_dims", lambda t: ops.expand_dims(t, -1), lambda t: np.expand_dims(t, -1)),
    ("expand_dims_tuple", lambda t: ops.expand_dims(t, (0, 2)), lambda t: np.expand_dims(t, (0, 2))),
    ("reshape", lambda t: ops.reshape(t, (2, 3)), lambda t: t.reshape(2, 3)),
    ("reshape_flat", lambda t: ops.reshape(t, (-1,)), lambda t: t.reshape(-1)),
    ("transpose", lambda t: ops.transpose(t), lambda t: t.T),
    ("squeeze", lambda t: ops.squeeze(t[:, :1], axis=1), lambda t: t[:, 0]),
    ("stack", lambda t: ops.stack([t[0], t[1]], axis=1), lambda t: np.stack([t[0], t[1]], axis=1)),
    ("tile", lambda t: ops.tile(t, (1, 2)), lambda t: np.tile(t, (1, 2))),
    ("repeat", lambda t: ops.repeat(t, 2, axis=0), lambda t: np.repeat(t, 2, axis=0)),
])
def test_text_is_moved_as_numpy_moves_it(name, run, expected):
    result = run(TEXT)
    np.testing.assert_array_equal(_as_str(result), expected(TEXT))
    assert isinstance(result.numpy().flat[0], bytes)  # TensorFlow's face: `.numpy()` gives UTF-8 bytes


def test_object_and_bytes_text_come_back_as_str():
    objects = np.array(["x", "yz"], dtype=object)
    np.testing.assert_array_equal(_as_str(ops.expand_dims(objects, -1)), [["x"], ["yz"]])
    np.testing.assert_array_equal(_as_str(ops.reshape(np.array([b"p", b"q"]), (2, 1))), [["p"], ["q"]])


def test_shape_and_size_of_text():
    assert tuple(ops.shape(TEXT)) == (3, 2)
    assert int(ops.size(TEXT)) == 6
    assert tuple(ops.shape(["a", "b", "c"])) == (3,)
