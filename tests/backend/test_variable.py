"""Variable: TensorFlow's/Keras' mutable tensor, as user code and layer weights see it."""
import numpy as np
import pytest
import torch

from tkeras import layers, ops
from tkeras.backend import Variable
from tkeras.backend.eager_tensor import EagerTensor


def test_constructor_arguments():
    v = Variable([[1.0, 2.0], [3.0, 4.0]], trainable=True, name="w", dtype="float64")
    assert v.name == "w" and v.trainable and v.requires_grad
    assert v.dtype == torch.float64 and tuple(v.shape) == (2, 2)
    np.testing.assert_array_equal(v.numpy(), [[1, 2], [3, 4]])
    frozen = Variable(np.zeros(3), trainable=False)
    assert not frozen.trainable and not frozen.requires_grad
    assert frozen.dtype == torch.float32  # a float64 NumPy array becomes floatx, as in Keras
    counter = Variable(0, dtype="int32")
    assert counter.dtype == torch.int32 and not counter.requires_grad  # integers never take gradients
    from_initializer = Variable(lambda shape, dtype=None: np.full(shape, 7.0, "float32"), shape=(2,))
    np.testing.assert_array_equal(from_initializer.numpy(), [7.0, 7.0])
    with pytest.raises(ValueError, match="needs an initial_value"):
        Variable(None)


def test_assign_add_sub_and_shape_mismatch():
    v = Variable(np.ones((3, 1), "float32"))
    assert v.assign(np.full((3, 1), 2.0)) is v
    v.assign_add(ops.ones((3, 1)))
    v.assign_sub(np.full((3, 1), 0.5, "float32"))
    np.testing.assert_array_equal(v.numpy(), np.full((3, 1), 2.5))
    with pytest.raises(ValueError, match=r"shape \(3, 2\) to variable 'variable' of shape \(3, 1\)"):
        v.assign(np.ones((3, 2)))
    np.testing.assert_array_equal(v.numpy(), np.full((3, 1), 2.5))  # a failed assign changes nothing


def test_slice_assignment_writes_into_the_variable():
    v = Variable(np.zeros((2, 3), "float32"))
    v[0, 0].assign(3.0)
    v[1].assign_add([1.0, 2.0, 3.0])
    v[:, 2].assign_sub(ops.constant([1.0, 1.0]))
    np.testing.assert_array_equal(v.numpy(), [[3, 0, -1], [1, 2, 2]])
    assert isinstance(v[0, 0], EagerTensor) and float(v[0, 0]) == 3.0


def test_arithmetic_and_indexing_read_the_current_value():
    w = Variable(np.array([[2.0], [4.0]], "float32"))
    b = Variable(np.array([1.0], "float32"))
    x = np.linspace(-1.0, 4.0, 5)
    line = -w[0] / w[1] * x + (0.5 - b) / w[1]  # seed 004's decision boundary
    np.testing.assert_allclose(np.asarray(line), -0.5 * x - 0.125, rtol=1e-6)
    np.testing.assert_allclose((w * 2).detach().numpy(), [[4.0], [8.0]])
    w.assign([[1.0], [1.0]])
    np.testing.assert_allclose(np.asarray(w[0] / w[1]), [1.0])  # reads see assignments


def test_numpy_functions_accept_variables_and_tensors():
    v = Variable(np.array([[1.0, 2.0], [3.0, 4.0]], "float32"))
    t = ops.constant([[1.0, 2.0], [3.0, 4.0]])
    for value in (v, t):
        assert np.mean(value) == pytest.approx(2.5) and np.sum(value) == pytest.approx(10.0)
        np.testing.assert_allclose(np.mean(value, axis=0), [2.0, 3.0])
        assert np.std(value) == pytest.approx(np.std([1.0, 2.0, 3.0, 4.0]))  # NumPy's ddof=0
        assert np.max(value) == 4.0 and int(np.argmax(value)) == 3
        assert isinstance(np.exp(value), np.ndarray)  # ufuncs give arrays, as on TensorFlow tensors
        np.testing.assert_allclose(np.exp(value), np.exp([[1.0, 2.0], [3.0, 4.0]]), rtol=1e-6)
    assert float(t.std()) == pytest.approx(np.std([1.0, 2.0, 3.0, 4.0], ddof=1))  # torch's method is torch's


def test_layer_weights_are_variables_and_train_in_user_code():
    class SimpleDense(layers.Layer):
        """Seed 004's hand-written Dense."""

        def __init__(self, units, activation=None):
            super().__init__()
            self.units, self.activation = units, activation

        def build(self, input_shape):
            self.W = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, inputs):
            y = ops.matmul(inputs, self.W) + self.b
            return self.activation(y) if self.activation is not None else y

    layer = SimpleDense(4, activation=ops.relu)
    x = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    out = layer(x)
    assert isinstance(layer.W, Variable) and isinstance(layer.b, Variable)
    assert [w.path for w in layer.weights] == ["simple_dense/variable_0", "simple_dense/variable_1"]
    assert out.shape == (3, 4)
    np.testing.assert_allclose(out.numpy(), np.maximum(x @ layer.W.numpy(), 0), rtol=1e-5, atol=1e-6)
    layer.b.assign(np.full(4, 10.0, "float32"))
    np.testing.assert_allclose(layer(x).numpy(), x @ layer.W.numpy() + 10.0, rtol=1e-5)


def test_repr_and_copies_keep_keras_attributes():
    import copy
    v = Variable(np.array([1.0, 2.0], "float32"), name="bias", trainable=False)
    assert repr(v) == "<Variable path=bias, shape=(2,), dtype=float32, value=[1. 2.]>"  # Keras 3.15.1
    clone = copy.deepcopy(v)
    assert clone is not v and clone.name == "bias" and not clone.trainable
    np.testing.assert_array_equal(clone.numpy(), v.numpy())


def test_numpy_is_a_snapshot_that_later_updates_leave_alone():
    # Keras' variables give copies (TensorFlow) or immutable arrays (JAX): `before = w.numpy()` keeps
    # the value it read, whatever happens to the variable afterwards.
    variable = Variable(torch.tensor([1.0, 2.0]))
    before = variable.numpy()
    variable.assign_add([1.0, 1.0])
    with torch.no_grad():
        variable.mul_(10.0)  # an optimizer's in-place update
    np.testing.assert_array_equal(before, [1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(variable), [20.0, 30.0])
    before[0] = 99.0  # and writing into the snapshot does not reach the variable
    np.testing.assert_array_equal(variable.numpy(), [20.0, 30.0])


def test_float64_values_reach_a_float64_variable_unrounded():
    third = np.array([1.0 / 3.0, 0.1])
    variable = Variable(torch.zeros(2, dtype=torch.float64))
    variable.assign(third)
    np.testing.assert_array_equal(variable.numpy(), third)  # not rounded through float32 on the way
    variable.assign_add(third)
    np.testing.assert_array_equal(variable.numpy(), third + third)
    variable.assign_sub(third)
    np.testing.assert_array_equal(variable.numpy(), third + third - third)
    single = Variable(torch.zeros(2))
    single.assign(third)
    assert single.dtype == torch.float32 and single.numpy()[0] == np.float32(1.0 / 3.0)


def test_convert_to_numpy_and_get_value_of_a_variable_are_snapshots():
    from tkeras import backend
    variable = Variable(torch.tensor([1.0, 2.0]))
    taken = [ops.convert_to_numpy(variable), backend.get_value(variable), np.array(variable)]
    variable.assign([5.0, 6.0])
    for array in taken:
        np.testing.assert_array_equal(array, [1.0, 2.0])


def test_python_ints_make_int32_variables_as_in_keras_and_tensorflow():
    # Keras 3 and TensorFlow: a Python int (or list of them) is int32; a NumPy int64 array keeps int64.
    from tkeras.compat import tf_namespace as tf
    assert Variable(3).dtype == torch.int32 and Variable([1, 2]).dtype == torch.int32
    assert Variable(np.array([1, 2])).dtype == torch.int64
    assert Variable(np.int64(5)).dtype == torch.int64
    assert Variable(3.0).dtype == torch.float32 and Variable(True).dtype == torch.bool
    assert Variable(3, dtype="int64").dtype == torch.int64
    counter = tf.Variable(0)
    counter.assign_add(2)
    assert counter.dtype == torch.int32 and int(counter.numpy()) == 2
