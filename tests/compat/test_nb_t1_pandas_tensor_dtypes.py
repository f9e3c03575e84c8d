"""pandas frames keep their NumPy dtypes when they become tensors, as in TensorFlow.

The pandas-DataFrame tutorial shows `tf.convert_to_tensor(numeric_features)` (int and float columns:
float64) and the rows of `Dataset.from_tensor_slices((numeric_features, target))` (float64 features).
Only Python numbers and lists take the 32-bit defaults.
"""
import numpy as np
import pytest
import torch

from tkeras.compat import tf_namespace as tf

pd = pytest.importorskip("pandas")

FRAME = pd.DataFrame({"age": [63, 37, 41], "oldpeak": [2.3, 3.5, 1.4]})


def test_convert_to_tensor_keeps_the_frame_dtype():
    assert tf.convert_to_tensor(FRAME).dtype == torch.float64
    assert tf.convert_to_tensor(FRAME[["age"]]).dtype == torch.int64
    assert tf.constant(FRAME["age"]).dtype == torch.int64
    np.testing.assert_array_equal(tf.convert_to_tensor(FRAME).numpy(), FRAME.to_numpy())


def test_python_lists_still_take_32_bit_defaults():
    assert tf.convert_to_tensor([1.5, 2.0]).dtype == torch.float32
    assert tf.convert_to_tensor([1, 2]).dtype == torch.int32


def test_dataset_rows_of_a_frame_are_float64():
    rows = tf.data.Dataset.from_tensor_slices((FRAME, pd.Series([1, 0, 1])))
    features, label = next(iter(rows))
    assert features.dtype == torch.float64 and label.dtype == torch.int64
    np.testing.assert_array_equal(features.numpy(), [63.0, 2.3])
