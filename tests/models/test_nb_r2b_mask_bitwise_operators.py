"""`&`, `|`, `^`, `~` on KerasTensors are recorded as ops, as tf.keras 2 does (Hands-On ML 3, chapter 16
combines `causal_mask & decoder_pad_mask` on symbolic tensors): logical on booleans, bitwise on integers,
checked against NumPy's operators."""
import numpy as np

import tkeras as keras


def test_boolean_mask_algebra_on_symbolic_tensors_matches_numpy():
    a, b = keras.Input((3,), dtype="bool"), keras.Input((3,), dtype="bool")
    outputs = [a & b, a | b, a ^ b, ~a, True & a, False | b, True ^ a]
    assert all(o.dtype == "bool" and tuple(o.shape) == (None, 3) for o in outputs)
    model = keras.Model([a, b], outputs)
    x = np.array([[True, False, True], [False, False, True]])
    y = np.array([[True, True, False], [False, True, True]])
    got = model.predict([x, y], verbose=0)
    expected = [x & y, x | y, x ^ y, ~x, True & x, False | y, True ^ x]
    for value, reference in zip(got, expected):
        assert value.dtype == np.bool_
        np.testing.assert_array_equal(value, reference)


def test_integer_operands_stay_bitwise_as_in_tf_keras():
    i = keras.Input((3,), dtype="int32")
    outputs = [i & 6, 6 | i, i ^ 5, ~i, 3 & i, 3 ^ i]
    assert all(o.dtype == "int32" for o in outputs)
    z = np.array([[1, 2, 3]], dtype="int32")
    got = keras.Model(i, outputs).predict(z, verbose=0)
    for value, reference in zip(got, [z & 6, 6 | z, z ^ 5, ~z, 3 & z, 3 ^ z]):
        np.testing.assert_array_equal(value, reference)


def test_causal_and_padding_masks_combine_like_hands_on_ml():
    tokens = keras.Input((4,), dtype="int32")
    padding = keras.ops.not_equal(tokens, 0)[:, None, :]
    causal = keras.ops.tril(keras.ops.ones((4, 4), dtype="bool"))
    combined = causal & padding
    data = np.array([[5, 7, 0, 0]], dtype="int32")
    got = keras.Model(tokens, combined).predict(data, verbose=0)
    np.testing.assert_array_equal(got, np.tril(np.ones((4, 4), bool)) & (data != 0)[:, None, :])
