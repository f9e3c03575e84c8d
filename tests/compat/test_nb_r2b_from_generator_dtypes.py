"""`tf.data.Dataset.from_generator` casts each yielded value to the dtypes it declares, by `output_types=`
or `output_signature=`, as TensorFlow 2.21 does (a NumPy float64 array declared tf.float32 arrives as
float32; a float declared tf.int32 is truncated toward zero). Values compared with NumPy's astype."""
import numpy as np
import pytest
import torch

from tkeras.compat import tf_namespace as tf


def _pairs():
    for i in range(3):
        yield np.array([i, i + 0.5]), i


def test_output_types_cast_float64_arrays_to_float32():
    dataset = tf.data.Dataset.from_generator(_pairs, output_types=(tf.float32, tf.int32))
    elements = list(dataset)
    assert [(x.dtype, y.dtype) for x, y in elements] == [(torch.float32, torch.int32)] * 3
    np.testing.assert_array_equal(np.asarray(elements[2][0]), np.array([2.0, 2.5], "float32"))


def test_output_signature_dtypes_are_applied():
    signature = (tf.TensorSpec(shape=(2,), dtype=tf.float16), tf.TensorSpec(shape=(), dtype=tf.int64))
    x, y = next(iter(tf.data.Dataset.from_generator(_pairs, output_signature=signature)))
    assert (x.dtype, y.dtype) == (torch.float16, torch.int64)


def test_single_dtype_truncates_floats_like_numpy():
    def scalars():
        for value in (1.5, -2.7, 3.9):
            yield np.float64(value)
    got = [int(v) for v in tf.data.Dataset.from_generator(scalars, tf.int32)]
    assert got == np.array([1.5, -2.7, 3.9]).astype("int32").tolist()


def test_dict_elements_keep_text_and_cast_numbers_then_batch():
    def records():
        for i in range(4):
            yield {"ids": [i, i + 1], "word": "w%d" % i}, [0.25 * i]
    dataset = tf.data.Dataset.from_generator(
        records, output_types=({"ids": tf.float32, "word": tf.string}, tf.float64)).batch(2)
    features, target = next(iter(dataset))
    assert features["ids"].dtype == torch.float32 and target.dtype == torch.float64
    assert [str(w) for w in np.asarray(features["word"]).tolist()] == ["w0", "w1"]


def test_structure_mismatch_is_reported():
    dataset = tf.data.Dataset.from_generator(_pairs, output_types={"x": tf.float32})
    with pytest.raises(TypeError, match="from_generator"):
        next(iter(dataset))
