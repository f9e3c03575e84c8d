"""tf.keras idioms inside a custom layer's `call`, where tkeras hands plain torch tensors: `x.shape.as_list()`
on an intermediate tensor (keras-io's miniature GPT) and a reshape with the batch size written into its
target (keras-io's Switch Transformer), which Keras traces symbolically and tkeras probes with small
batches. Reference values recorded from Keras 3 on TensorFlow by
tests/fixtures/make_kio_call_tensor_idioms_reference.py.
"""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.compat import tf_namespace as tf

_REFERENCE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "kio_call_tensor_idioms_reference.json")
BATCH, TOKENS, DIM = 5, 4, 3


@pytest.fixture(scope="module")
def reference():
    with open(_REFERENCE) as f:
        return json.load(f)


class CausalScores(keras.layers.Layer):
    def call(self, x):
        scores = tf.matmul(x, x, transpose_b=True)
        static = scores.shape.as_list()
        dynamic = tf.shape(scores)
        _, dim_dest, dim_src = [dynamic[i] if s is None else s for i, s in enumerate(static)]
        mask = tf.cast(tf.range(dim_dest)[:, None] >= tf.range(dim_src), scores.dtype)
        return scores * mask - 1e4 * (1 - mask)


class FixedBatchTokens(keras.layers.Layer):
    def __init__(self, tokens_per_batch, **kwargs):
        super().__init__(**kwargs)
        self.tokens_per_batch = tokens_per_batch

    def call(self, x):
        batch_size = tf.shape(x)[0]
        tokens = tf.shape(x)[1]
        flat = tf.reshape(x, [self.tokens_per_batch, DIM]) * 2.0 + 1.0
        return tf.reshape(flat, [batch_size, tokens, DIM])


def test_shape_as_list_inside_call_symbolic_eager_and_fit(reference):
    x = np.asarray(reference["x"], dtype="float32")
    inputs = keras.Input((TOKENS, DIM))
    outputs = CausalScores()(inputs)
    assert list(outputs.shape) == reference["causal_symbolic_shape"]
    model = keras.Model(inputs, outputs)
    np.testing.assert_allclose(np.asarray(model(x)), np.asarray(reference["causal_values"]), rtol=1e-5, atol=1e-4)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, np.zeros((BATCH, TOKENS, TOKENS), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_torch_size_gains_only_tensorshape_names():
    size = torch.zeros(2, 3, 4).shape
    assert type(size) is torch.Size and size == (2, 3, 4)
    assert size.as_list() == [2, 3, 4] and type(size.as_list()) is list
    assert size.rank == size.ndims == 3
    assert size.num_elements() == 24 and size.is_fully_defined()
    assert torch.Size([]).as_list() == [] and torch.Size([]).num_elements() == 1
    assert size.numel() == 24 and size.count(3) == 1  # torch's own methods untouched


def test_reshape_with_batch_written_in_builds_and_runs(reference):
    x = np.asarray(reference["x"], dtype="float32")
    inputs = keras.Input((TOKENS, DIM))
    outputs = FixedBatchTokens(BATCH * TOKENS)(inputs)
    # Keras' trace infers the leading 5 from the element count; the probe cannot tell it from a batch.
    assert list(outputs.shape)[1:] == reference["fixed_batch_symbolic_shape"][1:]
    model = keras.Model(inputs, outputs)
    np.testing.assert_allclose(np.asarray(model(x)), np.asarray(reference["fixed_batch_values"]), rtol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, np.zeros_like(x), batch_size=BATCH, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_reshape_keras_refuses_when_tracing_still_refused(reference):
    assert reference["indivisible_symbolic"] == "ValueError"
    with pytest.raises(ValueError, match="FixedBatchTokens"):
        FixedBatchTokens(BATCH * TOKENS + 1)(keras.Input((TOKENS, DIM)))


def test_reshape_mismatch_outside_a_probe_still_fails():
    with pytest.raises(RuntimeError, match="invalid for input of size"):
        tf.reshape(torch.zeros(2, 4, 3), [20, 3])
    with pytest.raises(RuntimeError):
        FixedBatchTokens(BATCH * TOKENS)(np.zeros((2, TOKENS, DIM), "float32"))
