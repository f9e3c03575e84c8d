"""GradientTape.batch_jacobian (TensorFlow's per-example jacobians) against closed forms."""
import numpy as np
import pytest
import torch

from tkeras.compat import tf_namespace as tf


def test_elementwise_function_gives_diagonal_blocks():
    x = tf.constant([[1.0, 2.0], [3.0, -1.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x ** 3
    result = np.asarray(tape.batch_jacobian(y, x))
    expected = np.stack([np.diag(3 * row ** 2) for row in np.array([[1.0, 2.0], [3.0, -1.0]])])
    np.testing.assert_allclose(result, expected, rtol=1e-6)


def test_shape_is_batch_then_target_then_source_dims():
    x = tf.constant(np.arange(12, dtype="float32").reshape(2, 3, 2))
    matrix = torch.arange(8, dtype=torch.float32).reshape(2, 4)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = torch.matmul(x, matrix)  # (2, 3, 4): row b depends on x[b] only
    result = np.asarray(tape.batch_jacobian(y, x))
    assert result.shape == (2, 3, 4, 3, 2)
    # d y[b, i, k] / d x[b, j, l] = (i == j) * matrix[l, k]
    expected = np.einsum("ij,lk->ikjl", np.eye(3), matrix.numpy())
    np.testing.assert_allclose(result[0], expected)
    np.testing.assert_allclose(result[1], expected)


def test_nested_tapes_give_second_derivatives():
    x = tf.constant([[0.5], [-2.0]])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x ** 4
        first = inner.batch_jacobian(y, x)[..., 0]
    second = np.asarray(outer.batch_jacobian(first, x))
    np.testing.assert_allclose(second.reshape(-1), 12 * np.array([0.5, -2.0]) ** 2, rtol=1e-6)


def test_mismatched_batch_is_refused():
    x = tf.constant([[1.0], [2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reshape(x, (1, 2))
    with pytest.raises(ValueError, match="same first"):
        tape.batch_jacobian(y, x)


def test_jacobians_inside_no_grad_code():
    """A layer's tape runs under predict's no_grad: the tape records anyway, and its jacobians read the target
    after the block has closed."""
    x = tf.constant([[1.0, 3.0]])
    with torch.no_grad():
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = x ** 2
        full = np.asarray(tape.jacobian(y, x))
        per_example = np.asarray(tape.batch_jacobian(y, x))
    np.testing.assert_allclose(full.reshape(2, 2), np.diag([2.0, 6.0]))
    np.testing.assert_allclose(per_example[0], np.diag([2.0, 6.0]))
