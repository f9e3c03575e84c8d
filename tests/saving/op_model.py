"""One functional model made of Python operators and tkeras ops, shared by the op-node tests and the
script that checks the same model in real Keras (tests/fixtures/check_op_nodes_in_real_keras.py)."""
import numpy as np

import tkeras as keras
from tkeras import ops


def build_op_model():
    keras.utils.set_random_seed(7)
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(6)(inputs)
    shifted = hidden * 2.0 + 1.0
    outputs = [ops.sum(shifted, axis=1, keepdims=True), shifted[:, 1:3], 3.0 - shifted,
               ops.reshape(shifted, (-1, 2, 3)), abs(shifted) ** 2, shifted[..., None, 0],
               ops.concatenate([shifted, hidden], axis=-1), ops.softmax(shifted / 4.0, axis=-1),
               ops.mean(ops.square(-hidden), axis=-1), ops.expand_dims(ops.max(shifted, axis=1), 1)]
    return keras.Model(inputs, outputs)


def op_model_input():
    return np.random.default_rng(3).standard_normal((5, 4)).astype("float32")
