"""Ragged token rows fed to Embedding + GRU/LSTM, as Hands-On ML 2nd ed. ch. 16's Reber grammar model does
(`InputLayer(input_shape=[None], dtype=tf.int32, ragged=True)`), against tf-keras 2.21's recorded answers
(tests/fixtures/make_nb_k3_ragged_rnn_reference.py): the rows are padded per batch and the RNN skips each
row's padding by its length, token 0 included (Embedding has mask_zero=False there)."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb_k3_ragged_rnn_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(REFERENCE) as f:
        return json.load(f)


def build(kind, initial):
    if kind == "gru":
        model = keras.models.Sequential([
            keras.layers.InputLayer(input_shape=[None], dtype="int32", ragged=True),
            keras.layers.Embedding(input_dim=7, output_dim=3),
            keras.layers.GRU(4),
            keras.layers.Dense(1, activation="sigmoid")])
    else:
        inputs = keras.Input(shape=(None,), dtype="int32", ragged=True)
        hidden = keras.layers.Embedding(input_dim=7, output_dim=3)(inputs)
        hidden = keras.layers.LSTM(4)(hidden)
        model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
    model.set_weights([np.asarray(w, dtype="float32") for w in initial])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.5))
    return model


def assert_weights(model, expected):
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, np.asarray(want), atol=1e-5)


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_call_evaluate_fit_predict_match_tf_keras(reference, kind):
    x = tf.ragged.constant(reference["rows"], ragged_rank=1)
    y = np.asarray(reference["targets"], dtype="float32")
    model = build(kind, reference[kind]["initial"])
    np.testing.assert_allclose(np.asarray(model(x)), reference[kind]["call"], atol=1e-5)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(reference[kind]["evaluate"], abs=1e-5)
    model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    assert_weights(model, reference[kind]["after_fit"])
    np.testing.assert_allclose(model.predict(x, verbose=0), reference[kind]["predict"], atol=1e-5)


def test_fit_on_batched_ragged_dataset_matches_tf_keras(reference):
    x = tf.ragged.constant(reference["rows"], ragged_rank=1)
    y = np.asarray(reference["targets"], dtype="float32")
    model = build("gru", reference["gru"]["initial"])
    model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(2), epochs=1, verbose=0)
    assert_weights(model, reference["gru"]["after_fit"])


def test_batching_ragged_rows_gives_ragged_batches():
    rows = tf.ragged.constant([[1, 2, 3], [4], [5, 6], [7, 8]], ragged_rank=1)
    batches = list(tf.data.Dataset.from_tensor_slices(rows).batch(2))
    assert [type(b).__name__ for b in batches] == ["RaggedTensor", "RaggedTensor"]
    assert [b.to_list() for b in batches] == [[[1, 2, 3], [4]], [[5, 6], [7, 8]]]  # equal rows stay ragged


def test_padding_mask_comes_from_row_lengths_not_zeros():
    from tkeras.layers.layer_inputs import to_torch
    padded = to_torch(tf.ragged.constant([[0, 0, 1], [0]]))
    np.testing.assert_array_equal(np.asarray(padded._keras_mask), [[True, True, True], [True, False, False]])
    assert getattr(keras.layers.Embedding(4, 2)(np.array([[0, 1]])), "_keras_mask", None) is None


def test_eager_sequence_outputs_of_ragged_rows_are_ragged(reference):
    x = tf.ragged.constant(reference["rows"], ragged_rank=1)
    inputs = keras.Input(shape=(None,), dtype="int32", ragged=True)
    embedded = keras.layers.Embedding(input_dim=7, output_dim=3)(inputs)
    hidden = keras.layers.LSTM(4, return_sequences=True)(embedded)
    model = keras.Model(inputs, keras.layers.Dense(2)(hidden))
    model.set_weights([np.asarray(w, dtype="float32") for w in reference["sequences"]["initial"]])
    for got, want in ((model(x), reference["sequences"]["call"]),
                      (model.layers[1](x), reference["sequences"]["embedded"])):
        assert isinstance(got, tf.RaggedTensor)
        assert [len(row) for row in got.to_list()] == [len(row) for row in want]
        np.testing.assert_allclose(np.concatenate(got.to_list()), np.concatenate(want), atol=1e-5)
    assert not isinstance(keras.layers.GRU(2)(model.layers[1](x)), tf.RaggedTensor)  # last state: dense


def test_fit_with_ragged_validation_data(reference):
    x = tf.ragged.constant(reference["rows"], ragged_rank=1)
    y = np.asarray(reference["targets"], dtype="float32")
    model = build("gru", reference["gru"]["initial"])
    history = model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0, validation_data=(x, y))
    assert_weights(model, reference["gru"]["after_fit"])
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(x, y, verbose=0), abs=1e-6)


def test_predict_of_ragged_sequences_is_ragged(reference):
    x = tf.ragged.constant(reference["rows"], ragged_rank=1)
    inputs = keras.Input(shape=(None,), dtype="int32", ragged=True)
    hidden = keras.layers.LSTM(4, return_sequences=True)(keras.layers.Embedding(input_dim=7, output_dim=3)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(2)(hidden))
    model.set_weights([np.asarray(w, dtype="float32") for w in reference["sequences"]["initial"]])
    predicted = model.predict(x, batch_size=2, verbose=0)  # batches padded to 5, 7 and 4 steps
    want = reference["sequences"]["call"]
    assert isinstance(predicted, tf.RaggedTensor)
    assert [len(row) for row in predicted.to_list()] == [len(row) for row in want]
    np.testing.assert_allclose(np.concatenate(predicted.to_list()), np.concatenate(want), atol=1e-5)
