"""A concrete tensor computed eagerly and combined with a KerasTensor is a constant of the graph.

keras-io's FNet example adds `layers.Embedding(n, d)(tf.range(n))`, computed once outside the graph, to
a symbolic tensor. Keras captures the value as a constant (the Embedding is not part of the model); the
model must keep training past its first step.
"""
import numpy as np

import tkeras as keras
from tkeras import layers, ops


def _model_with_eager_positional_term(combine):
    inputs = layers.Input((4, 3))
    projected = layers.Dense(3)(inputs)
    embedding = layers.Embedding(4, 3)
    positional = embedding(ops.arange(4))
    return keras.Model(inputs, combine(projected, positional)), embedding, positional


def test_operator_with_eager_operand_trains_several_steps():
    model, embedding, positional = _model_with_eager_positional_term(lambda x, pe: x + pe)
    assert [w.name for w in model.trainable_weights] == ["kernel", "bias"]
    model.compile(optimizer="sgd", loss="mse")
    data = np.ones((8, 4, 3), "float32")
    history = model.fit(data, data, epochs=2, batch_size=4, verbose=0)
    assert len(history.history["loss"]) == 2
    frozen_table = np.asarray(embedding.get_weights()[0])
    np.testing.assert_allclose(frozen_table, np.asarray(positional.detach()))


def test_ops_function_with_eager_operand_trains_several_steps():
    model, _, positional = _model_with_eager_positional_term(lambda x, pe: ops.add(x, pe))
    model.compile(optimizer="sgd", loss="mse")
    data = np.ones((8, 4, 3), "float32")
    model.fit(data, data, epochs=2, batch_size=4, verbose=0)
    dense = model.layers[1]
    kernel, bias = (np.asarray(w) for w in dense.get_weights())
    expected = data[:1] @ kernel + bias + np.asarray(positional.detach())
    np.testing.assert_allclose(model.predict(data[:1], verbose=0), expected, rtol=1e-5, atol=1e-6)
