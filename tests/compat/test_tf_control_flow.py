"""TensorFlow's control flow and Python escapes inside tf.data map functions: tf.cond / case /
switch_case / while_loop / map_fn, py_function / numpy_function with their Tout dtypes, ensure_shape,
TensorSpec in from_generator's output_signature."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


def test_cond_case_and_switch_case_pick_one_branch():
    x = tf.constant(3.0)
    assert float(tf.cond(x > 2, lambda: x * 2, lambda: x - 1)) == 6.0
    assert float(tf.cond(x > 5, lambda: x * 2, lambda: x - 1)) == 2.0
    assert tf.case([(x < 0, lambda: "neg"), (x > 0, lambda: "pos")], default=lambda: "zero") == "pos"
    assert tf.case([(x < 0, lambda: "neg")], default=lambda: "zero") == "zero"
    with pytest.raises(ValueError, match=r"tf.case: exclusive=True but 2 predicates are true"):
        tf.case([(x > 0, lambda: 1), (x > 1, lambda: 2)], exclusive=True)
    branches = [lambda: "a", lambda: "b", lambda: "c"]
    assert tf.switch_case(tf.constant(1), branches) == "b" and tf.switch_case(7, branches) == "c"
    assert tf.switch_case(7, branches, default=lambda: "d") == "d"
    with pytest.raises(TypeError, match=r"tf.cond: both true_fn and false_fn must be given"):
        tf.cond(True, lambda: 1)


def test_while_loop_and_map_fn_against_python():
    i, total = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i), (tf.constant(0), tf.constant(0)))
    assert (int(i), int(total)) == (5, 10)
    assert int(tf.while_loop(lambda v: v < 100, lambda v: v * 3, tf.constant(1))) == 243
    assert int(tf.while_loop(lambda v: v < 100, lambda v: v * 3, tf.constant(1), maximum_iterations=2)) == 9
    rows = np.arange(6, dtype="float32").reshape(3, 2)
    np.testing.assert_allclose(tf.map_fn(lambda r: r * r, rows).numpy(), rows ** 2)
    summed = tf.map_fn(lambda pair: pair[0] + pair[1], (rows, rows * 10))
    np.testing.assert_allclose(summed.numpy(), rows * 11)


def test_py_and_numpy_functions_inside_a_dataset_map():
    def numpy_noise(image):
        assert isinstance(image, np.ndarray)
        return (image + 1.0).astype("float64"), np.int64(image.shape[0])

    def add_noise(image, label):
        noisy, rows = tf.numpy_function(numpy_noise, [image], [tf.float32, tf.int32])
        noisy = tf.ensure_shape(noisy, [None, 3])
        doubled = tf.py_function(lambda t: t * 2, [noisy], tf.float32)
        return doubled, label + rows

    ds = tf.data.Dataset.from_tensor_slices((np.zeros((4, 2, 3), "float32"), np.arange(4))).map(add_noise).batch(4)
    x, y = next(iter(ds))
    assert x.dtype == tf.float32 and np.all(x.numpy() == 2.0) and y.numpy().tolist() == [2, 3, 4, 5]
    with pytest.raises(ValueError, match=r"tf.numpy_function: the function returned 1 values, Tout declares 2"):
        tf.numpy_function(lambda a: a, [np.zeros(2)], [tf.float32, tf.int32])
    with pytest.raises(ValueError, match=r"tf.ensure_shape: shape of tensor \(2, 3\) is not compatible with "
                                         r"expected shape \(2, 4\)"):
        tf.ensure_shape(np.zeros((2, 3)), (2, 4))


def test_tensor_spec_in_from_generator_output_signature():
    spec = (tf.TensorSpec(shape=(2,), dtype=tf.float32), tf.TensorSpec(shape=(), dtype=tf.int32))
    assert spec[0].shape == (2,) and spec[0].dtype == tf.float32 and spec[0] == tf.TensorSpec((2,), tf.float32)
    assert spec[0].is_compatible_with(np.zeros(2)) and not spec[0].is_compatible_with(np.zeros(3))

    def rows():
        for i in range(3):
            yield np.full(2, i, "float32"), i

    x, y = next(iter(tf.data.Dataset.from_generator(rows, output_signature=spec).batch(3)))
    assert tuple(x.shape) == (3, 2) and y.numpy().tolist() == [0, 1, 2]
