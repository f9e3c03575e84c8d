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


def test_scalars_stay_scalars():
    """A 0-d value is shape () everywhere (tf.constant(3.0), NumPy scalars as operands)."""
    assert ops.constant(3.0).shape == () and ops.convert_to_tensor(2).shape == ()
    assert ops.constant(np.float32(2.0)).shape == () and ops.constant(np.array(5)).shape == ()
    assert (ops.constant(2.0) * np.float32(3.0)).shape == ()
    assert str(ops.constant(3.0)) == "tf.Tensor(3.0, shape=(), dtype=float32)"


def test_conversion_and_like_constructors():
    x = ops.convert_to_tensor([[1.0, 2.0]])
    assert isinstance(x, EagerTensor) and x.dtype == torch.float32
    assert ops.convert_to_tensor(np.ones(2)).dtype == torch.float64  # NumPy keeps its dtype
    assert ops.convert_to_tensor([1, 2], dtype="float32").dtype == torch.float32
    assert ops.convert_to_tensor([1, 2], dtype_hint="float32").dtype == torch.float32
    same = ops.constant([1.0])
    assert ops.convert_to_tensor(same) is same  # a tensor is returned as it is
    np.testing.assert_array_equal(ops.ones_like(A).numpy(), np.ones_like(A))
    np.testing.assert_array_equal(ops.zeros_like(A, dtype="int32").numpy(), np.zeros((3, 4), "int32"))
    assert ops.zeros_like(A, dtype="int32").dtype == torch.int32
    np.testing.assert_array_equal(ops.full((2,), 7.0).numpy(), [7.0, 7.0])


def test_tensorflow_spellings_defined_with_the_ops():
    from tkeras.ops.core import fill, range as tf_range
    from tkeras.ops.shape_ops import concat
    np.testing.assert_array_equal(tf_range(5).numpy(), np.arange(5))
    np.testing.assert_allclose(tf_range(0.0, 1.0, 0.25).numpy(), np.arange(0.0, 1.0, 0.25))
    assert tf_range(5).dtype == torch.int32 and tf_range(0.0, 1.0, 0.25).dtype == torch.float32
    np.testing.assert_array_equal(concat([A, A], axis=0).numpy(), np.concatenate([A, A], 0))
    assert fill((2, 2), 3).dtype == torch.int32
    np.testing.assert_array_equal(ops.reshape(A, shape=(4, 3)).numpy(), A.reshape(4, 3))
    np.testing.assert_array_equal(ops.transpose(A, perm=[1, 0]).numpy(), A.T)


def test_nn_namespace_and_where_against_numpy():
    np.testing.assert_allclose(ops.nn.relu(A).numpy(), np.maximum(A, 0))
    np.testing.assert_allclose(ops.nn.sigmoid(A).numpy(), 1 / (1 + np.exp(-A)), rtol=1e-5)
    e = np.exp(A - A.max(0, keepdims=True))
    np.testing.assert_allclose(ops.nn.softmax(A, axis=0).numpy(), e / e.sum(0, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(ops.nn.log_softmax(A).numpy(), np.log(ops.softmax(A).numpy()), rtol=1e-5,
                               atol=1e-6)
    cond = ops.greater(A, 0.0)
    np.testing.assert_array_equal(ops.where(cond, 1.0, -1.0).numpy(), np.where(A > 0, 1.0, -1.0))
    (indices,) = ops.where(np.array([True, False, True]))  # Keras on JAX: NumPy's nonzero tuple
    np.testing.assert_array_equal(indices.numpy(), [0, 2])
    with pytest.raises(ValueError, match="pass both x and y"):
        ops.where(cond, A)


def test_cast_and_reductions_with_integer_inputs():
    ints = ops.constant([[1, 2], [3, 4]])
    assert ints.dtype == torch.int32
    assert float(ops.mean(ints)) == 2.5  # the mean of integers is a float, not a truncated integer
    assert ops.cast(ints, "float32").dtype == torch.float32
    assert ops.cast(ops.constant([0.0, 2.5]), "bool").numpy().tolist() == [False, True]
    np.testing.assert_array_equal(ops.sum(ints, axis=0).numpy(), [4, 6])


def test_random_seeded_draws_match_their_own_generator():
    first = ops.random.normal((3, 2), mean=1.0, stddev=2.0, seed=5).numpy()
    generator = torch.Generator().manual_seed(5)
    expected = torch.randn((3, 2), generator=generator).numpy() * 2.0 + 1.0
    np.testing.assert_allclose(first, expected, rtol=1e-6)
    u = ops.random.uniform((1000,), minval=2.0, maxval=4.0, seed=1).numpy()
    assert 2.0 <= u.min() and u.max() < 4.0
    ints = ops.random.randint((50,), minval=0, maxval=3, dtype="int32", seed=2)
    assert ints.dtype == torch.int32 and set(ints.numpy().tolist()) <= {0, 1, 2}
    with pytest.raises(ValueError, match="integer seed"):
        ops.random.set_seed(1.5)


def test_function_decorator_passes_through_and_falls_back(monkeypatch):
    from tkeras.ops.graph_function import function

    @function
    def plain(x):
        return x + 1

    assert plain(ops.constant(1.0)).numpy() == 2.0
    assert function(input_signature=None)(plain) is plain  # the decorator form with arguments
    monkeypatch.setattr(torch, "compile", lambda fn: (_ for _ in ()).throw(RuntimeError("no compiler")))

    @function(jit_compile=True)
    def jitted(x):
        return x * 3

    assert float(jitted(ops.constant(2.0))) == 6.0 and jitted.python_function(2.0) == 6.0


@pytest.mark.parametrize("a, b, expected", [
    # Keras 3.15.1's result_type for the floats a model meets (recorded with keras.ops.add on JAX).
    ("float16", "float32", "float32"), ("bfloat16", "float32", "float32"), ("bfloat16", "float16", "float32"),
    ("float32", "float16", "float32"), ("float16", "float16", "float16"),
])
def test_binary_ops_promote_half_precision_floats_as_keras(a, b, expected):
    x, y = ops.ones((2,), dtype=a), ops.ones((2,), dtype=b)
    for op in (ops.add, ops.multiply, ops.maximum):
        assert str(op(x, y).dtype) == f"torch.{expected}"
    assert str(ops.add(x, 1.0).dtype) == f"torch.{a}"  # a Python float keeps the tensor's dtype


def test_a_float64_numpy_array_does_not_widen_a_float32_tensor():
    assert str(ops.add(ops.ones((2,)), np.ones(2)).dtype) == "torch.float32"
