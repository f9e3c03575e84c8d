"""tkeras.ops against NumPy, and the TensorFlow face of their results."""
import numpy as np
import pytest
import torch

from tkeras import ops
from tkeras.backend.eager_tensor import EagerTensor, TensorShape

RNG = np.random.default_rng(7)
A = RNG.normal(size=(3, 4)).astype("float32")
B = RNG.normal(size=(4, 2)).astype("float32")


@pytest.mark.parametrize("name, reference", [
    ("sum", np.sum), ("mean", np.mean), ("max", np.max), ("min", np.min), ("prod", np.prod),
    ("std", np.std), ("var", np.var),
])
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_reductions_match_numpy(name, reference, axis):
    for keepdims in (False, True):
        got = getattr(ops, name)(A, axis=axis, keepdims=keepdims)
        np.testing.assert_allclose(got.numpy(), reference(A, axis=axis, keepdims=keepdims), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, reference", [
    ("square", np.square), ("abs", np.abs), ("exp", np.exp), ("tanh", np.tanh), ("negative", np.negative),
    ("sign", np.sign), ("floor", np.floor), ("sin", np.sin),
])
def test_unary_match_numpy(name, reference):
    np.testing.assert_allclose(getattr(ops, name)(A).numpy(), reference(A), rtol=1e-6, atol=1e-6)
    positive = np.abs(A) + 0.1
    np.testing.assert_allclose(ops.sqrt(positive).numpy(), np.sqrt(positive), rtol=1e-6)
    np.testing.assert_allclose(ops.log(positive).numpy(), np.log(positive), rtol=1e-6)


def test_binary_and_matmul_match_numpy():
    np.testing.assert_allclose(ops.matmul(A, B).numpy(), A @ B, rtol=1e-5)
    np.testing.assert_allclose(ops.matmul(A, A, transpose_b=True).numpy(), A @ A.T, rtol=1e-5)
    np.testing.assert_allclose(ops.add(A, 1).numpy(), A + 1)
    np.testing.assert_allclose(ops.maximum(A, 0.0).numpy(), np.maximum(A, 0))
    np.testing.assert_allclose(ops.divide(A, 2).numpy(), A / 2)
    np.testing.assert_array_equal(ops.greater(A, 0).numpy(), A > 0)
    assert ops.add(A, 1).dtype == torch.float32  # a Python number takes the tensor's dtype
    assert ops.add(A, np.ones(4)).dtype == torch.float32  # a float64 array meets float32: float32


def test_argmax_keras_flattens_when_axis_is_none():
    assert int(ops.argmax(A)) == int(np.argmax(A))
    np.testing.assert_array_equal(ops.argmax(A, axis=1).numpy(), np.argmax(A, axis=1))
    np.testing.assert_array_equal(ops.argmin(A, axis=0).numpy(), np.argmin(A, axis=0))


def test_shape_ops_match_numpy():
    np.testing.assert_array_equal(ops.reshape(A, (2, -1)).numpy(), A.reshape(2, -1))
    np.testing.assert_array_equal(ops.transpose(A).numpy(), A.T)
    np.testing.assert_array_equal(ops.concatenate([A, A], axis=1).numpy(), np.concatenate([A, A], 1))
    np.testing.assert_array_equal(ops.stack([A, A], axis=0).numpy(), np.stack([A, A]))
    np.testing.assert_array_equal(ops.expand_dims(A, 1).numpy(), A[:, None])
    np.testing.assert_array_equal(ops.squeeze(A[None]).numpy(), A)
    np.testing.assert_array_equal(ops.where(A > 0, A, 0.0).numpy(), np.where(A > 0, A, 0))
    np.testing.assert_array_equal(ops.tile(A, (2, 1)).numpy(), np.tile(A, (2, 1)))
    np.testing.assert_array_equal(ops.take(A, [2, 0], axis=0).numpy(), A[[2, 0]])
    np.testing.assert_array_equal(ops.one_hot([0, 2], 3).numpy(), np.eye(3)[[0, 2]])
    np.testing.assert_allclose(ops.cumsum(A, axis=1).numpy(), np.cumsum(A, 1), rtol=1e-6, atol=1e-6)
    parts = ops.split(A, 2, axis=1)
    np.testing.assert_array_equal(parts[1].numpy(), A[:, 2:])
    with pytest.raises(ValueError, match="cannot squeeze axis 0"):
        ops.squeeze(A, axis=0)


def test_nn_functions_match_numpy():
    e = np.exp(A - A.max(-1, keepdims=True))
    np.testing.assert_allclose(ops.softmax(A).numpy(), e / e.sum(-1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(ops.relu(A).numpy(), np.maximum(A, 0))
    np.testing.assert_allclose(ops.sigmoid(A).numpy(), 1 / (1 + np.exp(-A)), rtol=1e-5)
    mean, var = ops.nn.moments(A, axes=[0])
    np.testing.assert_allclose(mean.numpy(), A.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var.numpy(), A.var(0), rtol=1e-5, atol=1e-6)
    labels = np.array([1, 3, 0])
    log_p = np.log(e / e.sum(-1, keepdims=True))
    np.testing.assert_allclose(ops.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=A).numpy(),
                               -log_p[np.arange(3), labels], rtol=1e-5)


def test_creation_and_dtypes():
    assert ops.ones((2, 3)).dtype == torch.float32
    assert ops.constant([1, 2]).dtype == torch.int32  # Python ints: int32, as TensorFlow
    assert ops.constant(np.arange(3)).dtype == torch.int64  # NumPy keeps its dtype
    assert ops.constant([1.0, 2.0]).dtype == torch.float32
    np.testing.assert_array_equal(ops.eye(3, 2).numpy(), np.eye(3, 2))
    np.testing.assert_array_equal(ops.arange(1, 7, 2).numpy(), [1, 3, 5])
    np.testing.assert_array_equal(ops.constant(0.0, shape=(2, 2)).numpy(), np.zeros((2, 2)))
    assert ops.cast(ops.constant([1.7]), "int32").numpy().tolist() == [1]


def test_random_draws_have_the_requested_moments_and_seeds_repeat():
    draws = ops.random.normal((20000,), mean=2.0, stddev=0.5).numpy()
    assert abs(draws.mean() - 2.0) < 0.02 and abs(draws.std() - 0.5) < 0.02
    uniform = ops.random.uniform((20000,), minval=-1.0, maxval=3.0).numpy()
    assert uniform.min() >= -1.0 and uniform.max() < 3.0 and abs(uniform.mean() - 1.0) < 0.05
    np.testing.assert_array_equal(ops.random.normal((4,), seed=3).numpy(), ops.random.normal((4,), seed=3).numpy())
    ops.random.set_seed(11)
    first = ops.random.uniform((3,)).numpy()
    ops.random.set_seed(11)
    np.testing.assert_array_equal(first, ops.random.uniform((3,)).numpy())
    truncated = ops.random.truncated_normal((5000,)).numpy()
    assert np.abs(truncated).max() <= 2.0


def test_results_print_and_convert_like_tensorflow():
    x = ops.constant([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(x, EagerTensor)
    assert str(x) == "tf.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)"
    assert repr(x) == ("<tf.Tensor: shape=(2, 2), dtype=float32, numpy=\narray([[1., 2.],\n       [3., 4.]], "
                       "dtype=float32)>")
    assert str(ops.constant([1.0, 2.0])) == "tf.Tensor([1. 2.], shape=(2,), dtype=float32)"
    assert str(x.shape) == "(2, 2)" and x.shape == (2, 2) and isinstance(x.shape, TensorShape)
    assert x.shape.as_list() == [2, 2] and repr(x.shape) == "TensorShape([2, 2])"
    total = ops.sum(x)
    assert f"{total:.2f}" == "10.00" and float(total) == 10.0
    np.testing.assert_array_equal(np.asarray(x), [[1, 2], [3, 4]])
    with pytest.raises(TypeError, match="does not support item assignment"):
        x[0, 0] = 5.0


def test_numpy_operands_on_either_side():
    x = ops.constant([1.0, 2.0])
    np.testing.assert_allclose((np.array([3.0, 4.0]) - x).numpy(), [2.0, 2.0])
    np.testing.assert_allclose((x * np.array([2.0, 2.0])).numpy(), [2.0, 4.0])
    assert (np.array([3.0, 4.0], "float64") - x).dtype == torch.float32


def test_inside_a_layer_ops_return_plain_tensors():
    from tkeras.layers import Layer

    seen = {}

    class Probe(Layer):
        def call(self, inputs):
            out = ops.matmul(inputs, ops.ones((2, 2)))
            seen["type"] = type(out)
            return out

    result = Probe()(np.ones((1, 2), "float32"))
    assert seen["type"] is torch.Tensor
    assert isinstance(result, EagerTensor)  # the top-level result gets the TensorFlow face


def test_bad_input_fails_clearly():
    with pytest.raises(TypeError, match="Cannot convert str"):
        ops.constant("abc")
    with pytest.raises(TypeError, match="cannot have shape"):
        ops.constant([1.0, 2.0, 3.0], shape=(2, 2))
