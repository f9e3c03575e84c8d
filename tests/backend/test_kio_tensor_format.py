"""`"{}".format(t)` and f-strings show a tensor's values as NumPy prints them, as TensorFlow's tensors do:
the LSTM temperature example prints `"Targets: \\n {}".format(targets)` and gets `[70.7 72.9 ...]`, not
the `tf.Tensor(...)` wrapper that str() and print(t) give."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


@pytest.mark.parametrize("values", [
    np.array([1.5, 2.0], dtype="float32"),
    np.array([[1, 2], [3, 4]], dtype="int32"),
    np.array([70.69957378, 72.94737859], dtype="float64"),
    np.array([True, False]),
], ids=["float32", "int32_matrix", "float64", "bool"])
def test_format_of_a_tensor_is_numpys(values):
    tensor = tf.constant(values)
    assert "{}".format(tensor) == str(values)
    assert f"{tensor}" == str(values)


def test_format_spec_on_scalars_and_str_keeps_the_wrapper():
    assert f"{tf.constant(1.25):.3f}" == "1.250"
    assert f"{tf.constant(3):5d}" == "    3"
    assert str(tf.constant([1.5, 2.0])) == "tf.Tensor([1.5 2. ], shape=(2,), dtype=float32)"
