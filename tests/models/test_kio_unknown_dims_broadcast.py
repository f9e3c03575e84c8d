"""A layer adding a fixed-width tensor to an input whose non-batch dims are all unknown builds in a
functional model, as keras-io's video-transformers example does (`Input(shape=(None, None))` plus
`Embedding(range(T))` of width 32): Keras traces with unknown dims, which broadcast against any size, and
records (None, None, 32). Shapes below are those real Keras 3.15.1 (TensorFlow backend) gives."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import layers, ops


class _PositionalEmbedding(layers.Layer):
    def __init__(self, sequence_length, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.position_embeddings = layers.Embedding(input_dim=sequence_length, output_dim=output_dim)

    def call(self, inputs):
        positions = ops.arange(0, ops.shape(inputs)[1])
        return inputs + self.position_embeddings(positions)


class _AddThenProject(layers.Layer):
    """A Dense built inside the call on the broadcast width: its kernel is (32, 4), whatever the probe."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.offsets = layers.Embedding(6, 32)
        self.project = layers.Dense(4)

    def call(self, inputs):
        return self.project(inputs + self.offsets(ops.arange(0, ops.shape(inputs)[1])))


class _ProjectUnknownWidth(layers.Layer):
    """Its Dense would take the width of a probe (Keras refuses a Dense on an unknown last axis too)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.offsets = layers.Embedding(6, 32)
        self.project = layers.Dense(4)

    def call(self, inputs):
        shifted = inputs + self.offsets(ops.arange(0, ops.shape(inputs)[1]))
        return shifted[..., :4] + self.project(inputs)


def test_embedding_added_to_unknown_dims_gives_its_width():
    inputs = keras.Input(shape=(None, None))
    layer = _PositionalEmbedding(6, 32)
    outputs = layer(inputs)
    assert tuple(outputs.shape) == (None, None, 32)
    assert [tuple(w.shape) for w in layer.weights] == [(6, 32)]
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(0).normal(size=(2, 4, 32)).astype("float32")
    expected = x + np.asarray(layer.weights[0].numpy())[:4]
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-6)


def test_constant_added_to_unknown_last_axis():
    inputs = keras.Input(shape=(None, None, None))
    outputs = layers.Lambda(lambda x: x + ops.ones((7,)))(inputs)
    assert tuple(outputs.shape) == (None, None, None, 7)


def test_sublayer_built_on_broadcast_width_is_kept():
    inputs = keras.Input(shape=(None, None))
    layer = _AddThenProject()
    assert tuple(layer(inputs).shape) == (None, None, 4)
    assert sorted(tuple(w.shape) for w in layer.weights) == [(4,), (6, 32), (32, 4)]


def test_weights_sized_by_a_probe_keep_the_error():
    with pytest.raises(ValueError, match="cannot be called on input"):
        _ProjectUnknownWidth()(keras.Input(shape=(None, None)))
