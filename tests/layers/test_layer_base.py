"""The Layer contract of seed 004: build once, add_weight, weights in Keras order, names, training flag."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers


class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None):
        super().__init__()
        self.units = units
        self.activation = activation
        self.build_calls = 0

    def build(self, input_shape):
        self.build_calls += 1
        self.W = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        y = torch.matmul(inputs, self.W) + self.b
        return self.activation(y) if self.activation is not None else y


def test_build_runs_once_with_the_input_shape():
    layer = SimpleDense(4)
    x = np.ones((3, 5), dtype="float32")
    out = layer(x)
    layer(x)
    assert layer.build_calls == 1
    assert tuple(out.shape) == (3, 4)
    assert [tuple(w.shape) for w in layer.weights] == [(5, 4), (4,)]
    np.testing.assert_allclose(out.detach().numpy(), x @ layer.get_weights()[0] + layer.get_weights()[1], rtol=1e-6)


def test_random_normal_weights_have_keras_stddev():
    layer = SimpleDense(2000)
    layer(np.ones((1, 50), dtype="float32"))
    kernel = layer.get_weights()[0]
    assert abs(kernel.std() - 0.05) < 0.002 and abs(kernel.mean()) < 0.002


def test_weights_are_registered_once_for_torch():
    layer = SimpleDense(3)
    layer(np.ones((2, 2), dtype="float32"))
    assert len(list(layer.parameters())) == 2
    assert layer.count_params() == 2 * 3 + 3


def test_auto_names_are_unique_and_name_kwarg_wins():
    assert layers.Dense(1).name == "dense"
    assert layers.Dense(1).name == "dense_1"
    assert layers.Dense(1, name="out").name == "out"
    assert SimpleDense(1).name == "simple_dense"


def test_set_weights_checks_count_and_shapes():
    layer = layers.Dense(2)
    layer(np.zeros((1, 3), dtype="float32"))
    with pytest.raises(ValueError, match="expects 2 weight arrays"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"shape \(3, 2\).*\(2, 2\)"):
        layer.set_weights([np.zeros((2, 2)), np.zeros(2)])
    layer.set_weights([np.ones((3, 2)), np.full(2, 0.5)])
    np.testing.assert_allclose(layer(np.ones((1, 3), dtype="float32")).detach().numpy(), [[3.5, 3.5]])


def test_trainable_flag_moves_weights_and_stops_gradients():
    layer = layers.Dense(2)
    layer(np.zeros((1, 3), dtype="float32"))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    assert not any(w.requires_grad for w in layer.weights)
    layer.trainable = True
    assert len(layer.trainable_weights) == 2 and all(w.requires_grad for w in layer.weights)


def test_non_trainable_weight_comes_after_trainable_ones():
    class WithState(keras.layers.Layer):
        def build(self, input_shape):
            self.count = self.add_weight(name="count", shape=(), initializer="zeros", trainable=False)
            self.scale = self.add_weight(name="scale", shape=(1,), initializer="ones")

        def call(self, inputs):
            return inputs * self.scale

    layer = WithState()
    layer(np.ones((1, 1), dtype="float32"))
    assert [w.name for w in layer.weights] == ["scale", "count"]
    assert [w.name for w in layer.trainable_weights] == ["scale"]


def test_training_argument_reaches_nested_layers():
    seen = []

    class Probe(keras.layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    class Outer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = Probe()

        def call(self, inputs):
            return self.inner(inputs)

    outer = Outer()
    outer(np.ones((1, 1)), training=True)
    outer(np.ones((1, 1)))
    assert seen == [True, False]


def test_dropout_respects_training_flag():
    layer = layers.Dropout(0.5)
    x = np.ones((200, 50), dtype="float32")
    np.testing.assert_array_equal(layer(x).detach().numpy(), x)
    out = layer(x, training=True).detach().numpy()
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert 0.4 < (out == 0).mean() < 0.6


def test_layers_in_lists_are_tracked():
    class Stack(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.blocks = [layers.Dense(3), layers.Dense(2)]

        def call(self, inputs):
            for block in self.blocks:
                inputs = block(inputs)
            return inputs

    stack = Stack()
    stack(np.ones((1, 4), dtype="float32"))
    assert [tuple(w.shape) for w in stack.weights] == [(4, 3), (3,), (3, 2), (2,)]


def test_layer_accepts_lists_and_tensors():
    layer = layers.Dense(1, kernel_initializer="ones")
    assert float(layer([[1.0, 2.0]])[0, 0]) == 3.0
    assert float(layer(torch.tensor([[1.0, 2.0]]))[0, 0]) == 3.0


def test_unknown_constructor_argument_is_named():
    with pytest.raises(TypeError, match="Dense: unexpected keyword argument.*'unitz'"):
        layers.Dense(3, unitz=4)


def test_get_config_round_trip():
    layer = layers.Dense(3, activation="relu", use_bias=False, name="d")
    clone = layers.Dense.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


def test_string_input_is_a_clear_error():
    with pytest.raises(TypeError, match="Layer 'words': expected numeric data, received an array of dtype <U1"):
        layers.Dense(1, name="words")(np.array([["a", "b"]]))


def test_host_tensors_follow_the_weights_to_the_compute_device(monkeypatch):
    # On a GPU machine, `layer(torch.from_numpy(x), mask=torch.from_numpy(m))` must not reach torch
    # with host inputs and GPU weights; "meta" stands in for the accelerator here.
    from tkeras.backend import config
    from tkeras.layers.layer_inputs import on_compute_device as _on_compute_device
    monkeypatch.setattr(config, "device", lambda: torch.device("meta"))
    x = torch.ones(2, 3)
    x._keras_mask = torch.ones(2, dtype=torch.bool)
    moved = _on_compute_device({"a": [x, x], "b": (x,), "n": 3})
    assert moved["a"][0].device.type == "meta" and moved["b"][0].device.type == "meta" and moved["n"] == 3
    assert moved["a"][0]._keras_mask.device.type == "meta"
    already = torch.ones(1, device="meta")
    assert _on_compute_device(already) is already


def test_a_float64_tensor_is_cast_to_the_layers_dtype_at_a_top_level_call():
    """`tf.constant(np_array)` and `torch.from_numpy` give float64; Keras casts a layer's inputs to its
    compute dtype instead of failing on mixed dtypes deep in the kernel."""
    x = np.random.default_rng(0).standard_normal((4, 3))
    dense = layers.Dense(2)
    out = dense(torch.from_numpy(x))
    kernel, bias = dense.get_weights()
    assert out.dtype == torch.float32
    np.testing.assert_allclose(np.asarray(out), x.astype("float32") @ kernel + bias, rtol=1e-5, atol=1e-6)
    normalized = layers.LayerNormalization()(torch.from_numpy(x))
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(np.asarray(normalized), expected, rtol=1e-4, atol=1e-5)
    ids = torch.tensor([[1, 2]])
    assert layers.Embedding(5, 2)(ids).shape == (1, 2, 2)  # integer inputs are left alone
