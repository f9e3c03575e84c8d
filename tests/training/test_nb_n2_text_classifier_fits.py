"""The chapter 10-11 text classifiers of 딥 러닝을 이용한 자연어 처리 입문 (SimpleRNN spam filter, LSTM
Reuters topics, Bidirectional GRU Steam reviews, masked LSTM, the multi-kernel Conv1D NSMC model), started
from tf-keras 2's initial weights, train to tf-keras 2's history: the same validation rows, optimizer
steps, mask handling, 'acc'/'val_acc' names and numbers. Reference recorded by
tests/fixtures/make_nb_n2_text_classifier_fits_reference.py (tf-keras 2.21)."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras import layers

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")
with open(os.path.join(FIXTURES, "nb_n2_text_classifier_fits_reference.json")) as handle:
    REFERENCE = json.load(handle)
LENGTH, VOCAB = 12, 40


def build(name):
    if name == "simple_rnn":
        return keras.Sequential([layers.Embedding(VOCAB, 8), layers.SimpleRNN(6),
                                 layers.Dense(1, activation="sigmoid")]), "rmsprop", "binary_crossentropy"
    if name == "lstm_softmax":
        return keras.Sequential([layers.Embedding(VOCAB, 8), layers.LSTM(6),
                                 layers.Dense(4, activation="softmax")]), "adam", "categorical_crossentropy"
    if name == "bidirectional_gru":
        return keras.Sequential([layers.Embedding(VOCAB, 8), layers.Bidirectional(layers.GRU(5)),
                                 layers.Dense(1, activation="sigmoid")]), "rmsprop", "binary_crossentropy"
    if name == "masked_lstm":
        return keras.Sequential([layers.Embedding(VOCAB, 8, mask_zero=True), layers.LSTM(6),
                                 layers.Dense(1, activation="sigmoid")]), "rmsprop", "binary_crossentropy"
    inputs = keras.Input(shape=(LENGTH,))
    z = layers.Embedding(VOCAB, 8, input_length=LENGTH)(inputs)
    blocks = [layers.GlobalMaxPooling1D()(layers.Conv1D(4, size, padding="valid", activation="relu", strides=1)(z))
              for size in (3, 4, 5)]
    z = layers.Dense(6, activation="relu")(layers.Concatenate()(blocks))
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(z)), "adam", "binary_crossentropy"


@pytest.mark.parametrize("name", ["simple_rnn", "lstm_softmax", "bidirectional_gru", "masked_lstm",
                                  "multi_kernel_cnn"])
def test_fit_history_matches_tf_keras(name):
    x = np.array(REFERENCE["x"])
    y = (keras.utils.to_categorical(REFERENCE["classes"], 4) if name == "lstm_softmax"
         else np.array(REFERENCE["binary"]))
    model, optimizer, loss = build(name)
    model.compile(optimizer=optimizer, loss=loss, metrics=["acc"])
    model.build((None, LENGTH))
    with np.load(os.path.join(FIXTURES, "nb_n2_text_classifier_fits_weights.npz"), allow_pickle=False) as stored:
        model.set_weights([stored[f"{name}/{i}"] for i in range(len(model.get_weights()))])
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, shuffle=False, verbose=0)
    expected = REFERENCE[name]
    assert list(history.history) == list(expected["history"])
    for key, values in expected["history"].items():
        np.testing.assert_allclose(history.history[key], values, atol=2e-5, err_msg=key)
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=32, verbose=0), expected["evaluate"], atol=2e-5)
