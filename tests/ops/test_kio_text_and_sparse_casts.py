"""Text through the tensor ops and casts of sparse tensors, against Keras 3 on TensorFlow (recorded by
tests/fixtures/make_kio_tensor_faces_reference.py): `ops.convert_to_tensor([["text"]])` and friends make
text tensors (tkeras: str arrays with TensorFlow's face), `cast(texts, "string")` keeps them,
`concatenate` joins them, and `tf.cast(sparse, dtype)` stays sparse.
"""
import json
import os

import numpy as np
import pytest

from tkeras import ops
from tkeras.compat import tf_namespace as tf

_PATH = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_tensor_faces_reference.json")
with open(_PATH) as f:
    REFERENCE = json.load(f)

TEXT_CASES = {
    "ops_convert_nested": lambda: ops.convert_to_tensor([["text"]]),
    "ops_convert_scalar": lambda: ops.convert_to_tensor("one"),
    "ops_convert_bytes": lambda: ops.convert_to_tensor([b"a", b"bc"]),
    "ops_convert_array": lambda: ops.convert_to_tensor(np.array(["x", "yz"])),
    "tf_constant_nested": lambda: tf.constant([["a", "b"], ["c", "d"]]),
    "ops_cast_text_to_string": lambda: ops.cast(tf.constant(["a", "b"]), "string"),
    "tf_cast_text_to_string": lambda: tf.cast(tf.constant(["a", "b"]), tf.string),
    "ops_concatenate_bytes": lambda: ops.concatenate([np.array([b"a", b"b"]), np.array([b"c"])], axis=0),
    "tf_concat_str": lambda: tf.concat([np.array(["a", "b"]), np.array(["c"])], axis=0),
    "tf_concat_str_2d_axis1": lambda: tf.concat([np.array([["a"], ["b"]]), np.array([["c"], ["d"]])], axis=1),
}


@pytest.mark.parametrize("key", sorted(TEXT_CASES))
def test_text_tensors_match_tensorflow(key):
    result, expected = TEXT_CASES[key](), REFERENCE["text"][key]
    assert result.dtype == expected["dtype"] or np.asarray(result).dtype.kind == "U"
    array = np.asarray(result)
    assert list(array.shape) == expected["shape"]
    assert array.tolist() == expected["value"]
    # TensorFlow's face: `.numpy()` gives UTF-8 bytes
    first = result.numpy() if array.ndim == 0 else result.numpy().reshape(-1)[0]
    assert isinstance(first, bytes)


def test_converted_text_feeds_text_vectorization():
    from tkeras.layers import TextVectorization
    layer = TextVectorization(output_mode="int", output_sequence_length=3)
    layer.adapt(["the cat sat", "the dog"])
    tokens = layer(ops.convert_to_tensor([["the cat"]]))
    assert tokens.shape == (1, 3)
    assert np.asarray(tokens).tolist()[0][2] == 0 and 0 not in np.asarray(tokens).tolist()[0][:2]


def test_cast_of_a_sparse_tensor_stays_sparse():
    expected = REFERENCE["sparse_cast"]
    sparse = tf.sparse.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[2, 3])
    result = tf.cast(sparse, "float32")
    assert type(result).__name__ == expected["type"]
    assert str(result.values.dtype).endswith(expected["values_dtype"])
    assert result.values.numpy().tolist() == expected["values"]
    assert np.asarray(result.indices).tolist() == expected["indices"]
    assert np.asarray(result.dense_shape).tolist() == expected["dense_shape"]
