"""`tf.stack([])`: a greedy decoding loop (the Korean NLP book's seq2seq chatbot) that meets the end token
first stacks an empty list; TensorFlow gives an empty float32 vector along axis 0."""
import numpy as np
import pytest

from tkeras import ops
from tkeras.compat import tf_namespace as tf


def test_empty_list_stacks_into_an_empty_float32_vector():
    stacked = tf.stack([], axis=0)
    assert tuple(stacked.shape) == (0,)
    assert str(stacked.dtype).endswith("float32")
    np.testing.assert_array_equal(np.asarray(stacked), np.zeros((0,), np.float32))
    assert tuple(ops.stack([]).shape) == (0,)


def test_empty_rows_still_stack_with_their_own_shape_and_dtype():
    assert tuple(tf.stack([[], []]).shape) == (2, 0)
    assert str(tf.stack([tf.constant([], tf.int64)]).dtype).endswith("int64")


@pytest.mark.parametrize("axis", [1, -1])
def test_empty_list_along_another_axis_says_why(axis):
    with pytest.raises(ValueError, match="empty list can only be stacked along axis 0"):
        tf.stack([], axis=axis)
