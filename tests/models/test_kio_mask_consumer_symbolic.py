"""A layer whose `call(inputs, mask=None)` uses the mask unconditionally can be placed after a
mask-producing layer in a functional model, as keras-io's masking guide does with its TemporalSoftmax:
in Keras the symbolic call already receives the mask flowing down the graph. The model then computes
with the real mask."""
import numpy as np

import tkeras as keras
from tkeras import layers, ops


class _TemporalSoftmax(layers.Layer):
    def call(self, inputs, mask=None):
        weights = ops.expand_dims(ops.cast(mask, "float32"), -1)
        exps = ops.exp(inputs) * weights
        return exps / ops.sum(exps, axis=1, keepdims=True)


def _model():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=10, output_dim=4, mask_zero=True)(inputs)
    x = layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")(x)
    return keras.Model(inputs, _TemporalSoftmax()(x))


def test_mask_consumer_builds_symbolically_after_embedding():
    model = _model()
    assert tuple(model.outputs[0].shape) == (None, None, 1)


def test_mask_consumer_gets_the_embedding_mask_when_run():
    model = _model()
    tokens = np.array([[3, 1, 0, 0], [2, 5, 7, 0]], dtype="int32")
    table = np.asarray(model.layers[1].get_weights()[0])
    logits = table[tokens].sum(axis=-1)  # Dense(1) with a ones kernel and no bias
    mask = tokens != 0
    expected = np.where(mask, np.exp(logits), 0.0)
    expected = expected / expected.sum(axis=1, keepdims=True)
    got = np.asarray(model.predict(tokens, verbose=0))[..., 0]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
