"""tf-keras 2's `K.*` variable updates, random tensors, scopes, placeholders and small helpers, checked
against closed forms and NumPy."""
import warnings

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import backend as K
from tkeras.compat.legacy.backend import function


def test_updates_change_the_variable_in_place_and_return_it():
    v = K.variable(np.array([1.0, 2.0], "float32"))
    assert K.update(v, [5.0, 6.0]) is v
    K.update_add(v, [1.0, 1.0])
    K.update_sub(v, [0.5, 2.0])
    np.testing.assert_allclose(K.get_value(v), [5.5, 5.0])
    K.moving_average_update(v, np.array([1.5, 1.0], "float32"), 0.9)
    np.testing.assert_allclose(K.get_value(v), [5.5 * 0.9 + 1.5 * 0.1, 5.0 * 0.9 + 1.0 * 0.1], rtol=1e-6)
    with pytest.raises(TypeError, match="K.update_add needs a variable.*received Tensor"):
        K.update_add(torch.zeros(2), 1.0)


def test_random_tensors_and_variables_have_their_distribution():
    bits = K.random_bernoulli((20000,), p=0.3, seed=1)
    assert bits.dtype == torch.float32 and set(np.unique(bits.numpy())) == {0.0, 1.0}
    assert abs(float(bits.mean()) - 0.3) < 0.02
    draws = K.truncated_normal((20000,), mean=1.0, stddev=2.0, seed=2).numpy()
    assert draws.min() >= -3.0 and draws.max() <= 5.0 and abs(draws.mean() - 1.0) < 0.05
    # a normal truncated at two standard deviations has std 0.8796 of the untruncated one
    assert abs(draws.std() - 2.0 * 0.8796) < 0.05
    uniform = K.random_uniform_variable((100, 50), -2.0, 3.0, seed=3)
    normal = K.random_normal_variable((100, 50), 1.0, 0.5, seed=4, name="w")
    assert isinstance(uniform, keras.Variable) and uniform.shape == (100, 50)
    u = K.get_value(uniform)
    assert u.min() >= -2.0 and u.max() < 3.0 and abs(u.mean() - 0.5) < 0.1
    assert abs(K.get_value(normal).mean() - 1.0) < 0.03 and abs(K.get_value(normal).std() - 0.5) < 0.03


def test_dropout_zeros_at_the_rate_and_scales_the_rest():
    out = K.dropout(np.ones((100, 100), "float32"), 0.25, seed=5).numpy()
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.02
    column = K.dropout(np.ones((50, 8), "float32"), 0.5, noise_shape=(1, 8), seed=6).numpy()
    assert (column == column[:1]).all()  # one draw per feature, shared by every row


def test_learning_phase_scope_sets_and_restores_the_training_flag():
    layer = keras.layers.Dropout(0.5)
    x = np.ones((200, 10), "float32")
    with pytest.warns(UserWarning, match="learning_phase_scope` is deprecated"):
        with K.learning_phase_scope(1):
            assert K.learning_phase() == 1
            assert (layer(x).numpy() == 0).any()
    assert K.learning_phase() == 0
    np.testing.assert_array_equal(layer(x).numpy(), x)
    with pytest.raises(ValueError, match="learning phase must be 0 .* or 1 .*received 2"):
        with warnings.catch_warnings(), K.learning_phase_scope(2):
            pass


def test_placeholder_is_a_model_input_that_k_function_evaluates():
    x = K.placeholder(shape=(None, 3))
    assert K.is_keras_tensor(x) and x.shape == (None, 3) and x.dtype == "float32"
    dense = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")
    y = dense(x)
    run = function([x], [y])
    np.testing.assert_allclose(run([np.array([[1.0, 2.0, 3.0]], "float32")])[0], [[6.0, 6.0]])
    assert K.placeholder(ndim=4).shape == (None, None, None, None)
    assert K.is_sparse(K.placeholder(shape=(None, 5), sparse=True))
    with pytest.raises(ValueError, match="K.placeholder needs shape"):
        K.placeholder()


def test_reset_uids_restarts_auto_names():
    keras.layers.Dense(1)
    K.reset_uids()
    assert keras.layers.Dense(1).name == "dense"
    assert keras.layers.Dense(1).name == "dense_1"


def test_name_scope_is_a_context_manager():
    with K.name_scope("block1") as scope:
        assert scope == "block1/"
    with pytest.raises(ValueError, match="non-empty string"):
        with K.name_scope(""):
            pass


def test_small_helpers(capsys):
    assert K.cast_to_floatx([1, 2]).dtype == np.float32 and isinstance(K.cast_to_floatx([1]), np.ndarray)
    assert K.cast_to_floatx(torch.tensor([1, 2])).dtype == torch.float32
    np.testing.assert_allclose(K.cos(np.array([0.0, np.pi])).numpy(), [1.0, -1.0], atol=1e-6)
    np.testing.assert_allclose(K.sin(np.array([0.0, np.pi / 2])).numpy(), [0.0, 1.0], atol=1e-6)
    w = torch.tensor([2.0], requires_grad=True)
    (w * K.stop_gradient(w)).sum().backward()
    assert float(w.grad) == 2.0  # only the first factor carries a gradient
    assert isinstance(K.stop_gradient([w, w]), list)
    sparse = torch.eye(3).to_sparse()
    assert K.is_sparse(sparse) and not K.is_sparse(torch.eye(3))
    np.testing.assert_array_equal(K.to_dense(sparse).numpy(), np.eye(3))
    t = torch.tensor([[1.5, 2.0, 3.25, 4.0]])
    assert K.print_tensor(t, message="x =") is t
    K.print_tensor(torch.arange(10.0), message="long")
    K.print_tensor(torch.arange(24).reshape(2, 3, 4))
    # tf.print's layout (checked against tf-keras 2.21's output for these tensors)
    assert capsys.readouterr().out == ("x = [[1.5 2 3.25 4]]\nlong [0 1 2 ... 7 8 9]\n"
                                       " [[[0 1 2 3]\n  [4 5 6 7]\n  [8 9 10 11]]\n\n"
                                       " [[12 13 14 15]\n  [16 17 18 19]\n  [20 21 22 23]]]\n")


def test_experimental_random_generator_switch():
    from tkeras.backend import experimental
    assert experimental.is_tf_random_generator_enabled() is False  # tf-keras' default
    experimental.enable_tf_random_generator()
    try:
        assert experimental.is_tf_random_generator_enabled() is True
    finally:
        experimental.disable_tf_random_generator()
    assert K.experimental.is_tf_random_generator_enabled() is False
