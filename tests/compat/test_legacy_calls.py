"""Keras 1/2 call spellings keep their old meaning (the layer-level ones have unit tests next to the layers:
tests/layers/test_conv.py::test_keras1_names_and_positional_kernel, tests/layers/test_pooling.py::
test_keras1_pooling_arguments, tests/layers/rnn/test_lstm.py::test_keras1_argument_names, ...)."""
import math

import numpy as np
import pytest

import tkeras as keras
from tkeras import layers


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    labels = (x[:, 0] + x[:, 1] > 0).astype("int64") + (x[:, 2] > 1).astype("int64")
    return x, labels, np.eye(3, dtype="float32")[labels]


def _mlp(classes=3, activation="softmax"):
    model = keras.Sequential()
    model.add(layers.Dense(output_dim=16, input_dim=4, init="uniform", activation="relu"))  # Keras 1 names
    model.add(layers.Dense(classes, activation=activation))
    return model


def test_keras1_layer_spellings_build_the_keras2_layers():
    conv = layers.Convolution1D(nb_filter=8, filter_length=3, border_mode="same", activation="relu")
    out = conv(np.zeros((2, 10, 5), "float32"))
    assert tuple(out.shape) == (2, 10, 8) and tuple(conv.kernel.shape) == (3, 5, 8)
    conv2 = layers.Convolution2D(6, 3, 3, border_mode="valid")  # (nb_filter, nb_row, nb_col)
    assert tuple(conv2(np.zeros((1, 8, 8, 2), "float32")).shape) == (1, 6, 6, 6)
    assert tuple(conv2.kernel.shape) == (3, 3, 2, 6)
    assert tuple(layers.MaxPooling1D(pool_length=2)(np.zeros((1, 10, 3), "float32")).shape) == (1, 5, 3)
    lstm = layers.LSTM(5, dropout_W=0.2, dropout_U=0.3)
    assert (lstm.cell.dropout, lstm.cell.recurrent_dropout) == (0.2, 0.3)
    dense = layers.Dense(output_dim=3, input_dim=2, init="zeros")
    dense.build((None, 2))
    assert dense.units == 3 and not dense.kernel.numpy().any()
    assert keras.optimizers.RMSprop(lr=0.05).get_config()["learning_rate"] == pytest.approx(0.05)


def test_keras1_embedding_dropout_drops_whole_ids_in_training_only():
    embedding = layers.Embedding(2000, 4, dropout=0.25, embeddings_initializer="ones")
    ids = np.arange(2000)[None, :]
    trained = embedding(ids, training=True).numpy()[0]
    dropped = (trained == 0).all(axis=1)
    assert 0.2 < dropped.mean() < 0.3  # about a quarter of the ids, each as a whole row
    np.testing.assert_allclose(trained[~dropped], 1 / 0.75, rtol=1e-6)  # the rest scaled by 1 / keep
    np.testing.assert_array_equal(embedding(ids).numpy()[0], 1.0)  # inference: the table as it is
    same_id = embedding(np.zeros((1, 50), "int64"), training=True).numpy()[0]
    assert len(np.unique(same_id[:, 0])) == 1  # one decision per id, not per position
    assert layers.Embedding.from_config(embedding.get_config()).dropout == 0.25


def test_positional_compile_and_metrics_names():
    x, _, onehot = _data()
    model = _mlp()
    model.compile("adam", "categorical_crossentropy", ["accuracy"])  # (optimizer, loss, metrics)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    model.fit(x, onehot, nb_epoch=1, batch_size=16, verbose=0, show_accuracy=True)  # Keras 0.x/1 flag accepted
    assert model.metrics_names == ["loss", "accuracy"]
    loss, accuracy = model.evaluate(x, onehot, verbose=0)
    assert 0 <= accuracy <= 1 and loss > 0


def test_history_answers_both_accuracy_spellings():
    x, _, onehot = _data()
    model = _mlp()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, onehot, nb_epoch=2, verbose=0, validation_split=0.25).history
    assert list(history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert history["acc"] is history["accuracy"] and history["val_acc"] is history["val_accuracy"]
    assert len(history["acc"]) == 2


def test_predict_classes_and_predict_proba():
    x, labels, onehot = _data()
    model = _mlp()
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    proba = model.predict(x, verbose=0)
    np.testing.assert_array_equal(model.predict_classes(x, verbose=0), proba.argmax(-1))
    np.testing.assert_allclose(model.predict_proba(x, verbose=0), proba)
    binary = _mlp(classes=1, activation="sigmoid")
    binary.compile(loss="binary_crossentropy", optimizer="adam")
    p = binary.predict(x, verbose=0)
    classes = binary.predict_classes(x, verbose=0)
    assert classes.shape == (len(x), 1) and classes.dtype == np.int32
    np.testing.assert_array_equal(classes, (p > 0.5).astype("int32"))


class CountingGenerator:
    """A Keras 1 style endless generator of (x, y) batches that counts how many it handed out."""

    def __init__(self, x, y, batch_size):
        self.x, self.y, self.batch_size, self.drawn = x, y, batch_size, 0

    def __iter__(self):
        return self

    def __next__(self):
        start = (self.drawn * self.batch_size) % len(self.x)
        self.drawn += 1
        return self.x[start:start + self.batch_size], self.y[start:start + self.batch_size]


def test_fit_generator_counts_keras1_samples_in_batches():
    x, _, onehot = _data()
    model = _mlp()
    model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    train, val = CountingGenerator(x, onehot, 8), CountingGenerator(x, onehot, 6)
    history = model.fit_generator(train, samples_per_epoch=40, nb_epoch=2, validation_data=val, nb_val_samples=12,
                                  verbose=0, nb_worker=1, pickle_safe=False)
    assert train.drawn == 2 * math.ceil(40 / 8)  # Keras 1: an epoch ends after 40 samples, i.e. 5 batches of 8
    assert val.drawn == 2 * 2  # 12 validation samples in batches of 6, each epoch
    assert len(history.history["val_loss"]) == 2

    steps = CountingGenerator(x, onehot, 8)
    model.fit_generator(steps, steps_per_epoch=3, epochs=1, verbose=0)  # Keras 2 spelling
    assert steps.drawn == 3

    evaluated = CountingGenerator(x, onehot, 16)
    loss, accuracy = model.evaluate_generator(evaluated, val_samples=48)  # Keras 1
    assert evaluated.drawn == 3
    expected = model.evaluate(x, onehot, batch_size=16, verbose=0)
    np.testing.assert_allclose([loss, accuracy], expected, rtol=1e-5)
    predicted = model.predict_generator(CountingGenerator(x, onehot, 16), steps=3)
    np.testing.assert_allclose(predicted, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    with pytest.raises(TypeError, match="nb_valsamples"):
        model.fit_generator(CountingGenerator(x, onehot, 8), steps_per_epoch=1, nb_valsamples=3)
