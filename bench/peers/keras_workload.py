"""One seed workload written once in plain Keras, timed by whichever Keras runs it.

    python -m tkeras run bench/peers/keras_workload.py WORKLOAD      # tkeras
    KERAS_BACKEND=jax /path/to/keras3-venv/bin/python bench/peers/keras_workload.py WORKLOAD
    PEER_TF_KERAS=1 /path/to/tf-keras-venv/bin/python bench/peers/keras_workload.py WORKLOAD

Prints one JSON line: the seconds of each epoch of one `fit(epochs=1 + EPOCHS)` call (the first is
the warm-up: compilation, tracing, first allocations) and the samples per second of `predict` (the
median of three calls after a warm-up one). Data are synthetic, of the seed tutorials' shapes; the
models, optimizers, losses and batch sizes are the tutorials'. `bench_peers.py` runs this script once
per framework, each in its own process.
"""
import json
import os
import statistics
import sys
import time

import numpy as np

if os.environ.get("PEER_TF_KERAS"):
    import tf_keras as keras
else:
    import keras

EPOCHS = int(os.environ.get("PEER_EPOCHS", "2"))
SAMPLES = int(os.environ.get("PEER_SAMPLES", "0"))  # 0: the whole synthetic set


def _ids(n, steps, vocab, seed=0):
    return np.random.default_rng(seed).integers(1, vocab, size=(n, steps)).astype("int32")


def _labels(n, classes=2, seed=1):
    return np.random.default_rng(seed).integers(0, classes, size=(n,))


def mnist_mlp():  # seed 004
    x = np.random.default_rng(0).random((60000, 784)).astype("float32")
    y = keras.utils.to_categorical(_labels(60000, 10), 10)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model, x, y, 128


def imdb_dense():  # seed 003
    rng = np.random.default_rng(0)
    x = (rng.random((15000, 10000)) < 0.02).astype("float32")
    y = _labels(15000).astype("float32")
    model = keras.Sequential([keras.Input((10000,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model, x, y, 512


def simple_rnn():  # seed 000
    x, y = _ids(25000, 100, 10000), _labels(25000).astype("float32")
    model = keras.Sequential([keras.Input((100,)), keras.layers.Embedding(10000, 32), keras.layers.SimpleRNN(32),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model, x, y, 128


def reuters_lstm():  # seed 001
    x = _ids(8982, 100, 1000)
    y = keras.utils.to_categorical(_labels(8982, 46), 46)
    model = keras.Sequential([keras.Input((100,)), keras.layers.Embedding(1000, 100), keras.layers.LSTM(100),
                              keras.layers.Dense(46, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model, x, y, 100


def imdb_cnn_bilstm():  # seed 002
    x, y = _ids(4096, 200, 10000), _labels(4096).astype("float32")
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((200,)), layers.Embedding(10000, 200), layers.Dropout(0.5),
        layers.Conv1D(64, 5, activation="relu"), layers.MaxPooling1D(4),
        layers.Bidirectional(layers.LSTM(64, return_sequences=True)), layers.Dropout(0.5),
        layers.Bidirectional(layers.LSTM(32)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model, x, y, 64


WORKLOADS = {f.__name__: f for f in (mnist_mlp, imdb_dense, simple_rnn, reuters_lstm, imdb_cnn_bilstm)}


class EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def main(name):
    model, x, y, batch_size = WORKLOADS[name]()
    if SAMPLES:  # a shorter run (bench_contention.py)
        x, y = x[:SAMPLES], y[:SAMPLES]
    timer = EpochTimer()
    model.fit(x, y, batch_size=batch_size, epochs=1 + EPOCHS, verbose=0, callbacks=[timer])
    model.predict(x[:batch_size * 4], batch_size=batch_size, verbose=0)
    predict_seconds = []
    for _ in range(3):
        start = time.perf_counter()
        model.predict(x, batch_size=batch_size, verbose=0)
        predict_seconds.append(time.perf_counter() - start)
    print(json.dumps({"workload": name, "epoch_seconds": timer.seconds,
                      "predict_samples_per_s": len(x) / statistics.median(predict_seconds)}))


if __name__ == "__main__":
    main(sys.argv[1])
