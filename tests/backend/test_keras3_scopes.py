"""Keras 3's top-level scopes: name_scope, device, StatelessScope, SymbolicScope, RematScope/remat,
and version(). Expected values are Keras 3.15.1's behaviour (checked by hand in real Keras) or torch's
own autograd as the reference."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.backend.stateless_scope import in_stateless_scope, in_symbolic_scope


def test_version_is_the_package_version():
    assert keras.version() == keras.__version__
    assert isinstance(keras.version(), str) and keras.version().count(".") == 2


def test_name_scope_prefixes_variable_paths_and_deduplicates():
    with keras.name_scope("outer"):
        with keras.name_scope("inner"):
            inner = keras.Variable(1.0, name="v")
        with keras.name_scope("outer"):  # the same name right on top: not repeated (deduplicate=True)
            same = keras.Variable(1.0, name="w")
        with keras.name_scope("outer", deduplicate=False):
            repeated = keras.Variable(1.0, name="x")
    outside = keras.Variable(1.0, name="y")
    assert (inner.path, same.path, repeated.path, outside.path) == ("outer/inner/v", "outer/w", "outer/outer/x", "y")
    assert keras.name_scope("a").name == "a"
    with pytest.raises(ValueError, match="without '/'.*'a/b'"):
        keras.name_scope("a/b")
    with pytest.raises(TypeError, match="unknown keyword.*colour"):
        keras.name_scope("a", colour=1)


def test_device_scope_places_new_tensors_and_weights_then_restores():
    from tkeras.backend import config
    before = config.device()
    with keras.device("cpu:0"):
        assert config.device() == torch.device("cpu:0")
        assert keras.ops.ones((2,)).device.type == "cpu"
        dense = keras.layers.Dense(2)
        dense.build((None, 3))
        assert dense.kernel.device.type == "cpu"
    assert config.device() == before
    with pytest.raises(ValueError, match="unknown device 'tpu:0'"):
        with keras.device("tpu:0"):
            pass
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"):
            with keras.device("gpu:0"):
                pass


def test_stateless_scope_reads_mapped_values_and_records_assignments():
    variable = keras.Variable(np.ones(2, "float32"), name="v")
    other = keras.Variable(np.full(2, 3.0, "float32"), name="o")
    dense = keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")
    x = np.array([[1.0, 2.0]], "float32")
    dense(x)
    with keras.StatelessScope(state_mapping=[(variable, np.zeros(2, "float32")),
                                             (dense.kernel, np.full((2, 1), 2.0, "float32"))]) as scope:
        assert in_stateless_scope()
        np.testing.assert_array_equal(variable.numpy(), [0, 0])
        np.testing.assert_allclose(np.asarray(dense(x)), [[6.0]])  # x @ [2, 2]
        variable.assign(np.full(2, 5.0, "float32"))
        variable.assign_add(np.ones(2, "float32"))
        other.assign_sub(np.ones(2, "float32"))
        np.testing.assert_array_equal(np.asarray(scope.get_current_value(variable)), [6, 6])
    assert not in_stateless_scope()
    np.testing.assert_array_equal(variable.numpy(), [1, 1])  # nothing applied
    np.testing.assert_array_equal(other.numpy(), [3, 3])
    np.testing.assert_allclose(np.asarray(dense(x)), [[3.0]])
    np.testing.assert_array_equal(np.asarray(scope.get_current_value(variable)), [6, 6])
    np.testing.assert_array_equal(np.asarray(scope.get_current_value(other)), [2, 2])
    with pytest.raises(ValueError, match="shape \\(3,\\).*\\(2,\\)"):
        keras.StatelessScope(state_mapping=[(variable, np.zeros(3, "float32"))])


def test_symbolic_scope_is_visible_inside_only():
    assert not in_symbolic_scope()
    with keras.SymbolicScope():
        assert in_symbolic_scope()
    assert not in_symbolic_scope()


class _Counting(keras.layers.Layer):
    """y = tanh(x @ w): counts its forward runs (a rematerialized call runs again in backward)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.runs = 0

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 3), initializer="ones")

    def call(self, inputs):
        self.runs += 1
        return torch.tanh(inputs @ self.w)


def _forward_backward(layer, x):
    """(gradient of the weight, how many times call ran during backward)."""
    out = layer(x)
    before = layer.runs
    out.sum().backward()
    return layer.w.grad.clone(), layer.runs - before


@pytest.mark.parametrize("mode,threshold,reruns", [("full", 1, 1), ("list_of_layers", 1, 1), ("larger_than", 11, 1),
                                                   ("larger_than", 12, 0), ("activations", 1, 0)])
def test_remat_scope_reruns_the_call_in_backward_with_the_same_gradient(mode, threshold, reruns):
    x = torch.randn(4, 5)  # output (4, 3): 12 values
    expected, plain_reruns = _forward_backward(_Counting(name="plain"), x)
    with keras.RematScope(mode=mode, layer_names=["counted"], output_size_threshold=threshold):
        layer = _Counting(name="counted")
    got, backward_runs = _forward_backward(layer, x)
    assert (backward_runs, plain_reruns) == (reruns, 0)
    torch.testing.assert_close(got, expected)


def test_remat_scope_activations_mode_recomputes_the_activation_only():
    calls = []

    def counted_relu(x):
        calls.append(1)
        return torch.relu(x)

    with keras.RematScope(mode="activations"):
        dense = keras.layers.Dense(3, activation=counted_relu)
    dense(torch.randn(4, 5)).sum().backward()
    assert len(calls) == 2 and dense.activation is counted_relu


def test_remat_scope_mode_none_and_bad_mode():
    with keras.RematScope(mode="full"):
        with keras.RematScope(mode=None):
            layer = _Counting()
    assert _forward_backward(layer, torch.randn(2, 5))[1] == 0
    with pytest.raises(ValueError, match="unknown mode='some'"):
        keras.RematScope(mode="some")


def test_remat_function_recomputes_and_matches_autograd():
    calls = []

    def f(x):
        calls.append(1)
        return torch.sin(x) * x

    x = torch.linspace(-1, 1, 7, requires_grad=True)
    keras.remat(f)(x).sum().backward()
    assert len(calls) == 2  # forward, and again in backward
    torch.testing.assert_close(x.grad, torch.sin(x.detach()) + x.detach() * torch.cos(x.detach()))


def test_stateless_scope_collects_added_losses():
    class Penalised(keras.layers.Layer):
        def call(self, x):
            self.add_loss(torch.sum(x ** 2))
            return x

    layer = Penalised()
    x = np.array([[1.0, 2.0]], "float32")
    with keras.StatelessScope(collect_losses=True) as scope:
        layer(x)
    assert [float(loss) for loss in scope.losses] == [5.0]
    assert layer.losses == []  # kept by the scope, not the layer
    layer(x)
    assert [float(loss) for loss in layer.losses] == [5.0]
