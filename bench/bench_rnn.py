"""Recurrent training speed: tkeras vs a hand-written PyTorch model and loop, in the same process.

    .venv/bin/python bench/bench_rnn.py [--rounds 3] [--only reuters_lstm] [--layers-only]

reuters_lstm:    Embedding(1000, 100) -> LSTM(100) -> Dense(46, softmax); 8,982 x 100 ids, batch 100,
                 adam, categorical_crossentropy.
simple_rnn:      Embedding(10000, 32) -> SimpleRNN(32) -> Dense(1, sigmoid); 25,000 x 100, batch 128,
                 rmsprop, binary_crossentropy.
reuters_gru:     reuters_lstm with GRU(100); imdb_gru: simple_rnn with GRU(32) (not seed workloads: they
                 time `_gru_recurrence`).
imdb_cnn_bilstm: Embedding(10000, 200) -> Dropout(.5) -> Conv1D(64, 5, relu) -> MaxPooling1D(4)
                 -> Bidirectional(LSTM(64, return_sequences=True)) -> Dropout(.5)
                 -> Bidirectional(LSTM(32)) -> Dense(1, sigmoid); 4,096 x 200, batch 64, adam.
conv_lstm2d:     ConvLSTM2D(16, 3, padding='same') -> GlobalAveragePooling2D -> Dense(1, sigmoid) over
                 512 clips of 8 frames of 16 x 16 x 1, batch 32, adam; the plain model is the ConvLSTM
                 people write: one Conv2d over [x_t, h] per step.

Data are synthetic random ids of the right shape. Each row is one epoch of `model.fit` against
`_common.plain_epoch` over the equivalent torch.nn model (nn.Embedding/nn.LSTM/...; same optimizer
and batch size). With --layers-only (or while tkeras has no optimizers/losses yet), the tkeras side
is the tkeras model driven by the same plain loop and torch optimizer: it isolates the layers' cost
from the trainer's.
"""
import argparse
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _common import DEVICE, compare, plain_epoch, real_keras, to_device  # noqa: E402


def _have_fit():
    try:
        from tkeras import losses, optimizers  # noqa: F401
        return hasattr(optimizers, "get") and hasattr(losses, "get")
    except ImportError:
        return False


def _ids(n, steps, vocab, seed=0):
    return np.random.default_rng(seed).integers(1, vocab, size=(n, steps)).astype("int64")


class _LastStep(nn.Module):
    """nn.LSTM/nn.RNN -> the last hidden state, as a user writes it."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[1][0][-1] if isinstance(self.rnn, nn.LSTM) else self.rnn(x)[1][-1]


class _Sequences(nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


class _BiLast(nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        h = self.rnn(x)[1][0]
        return torch.cat([h[-2], h[-1]], dim=-1)


class _Conv1d(nn.Module):
    def __init__(self, *args, **kwargs):
        super().__init__()
        self.conv = nn.Conv1d(*args, **kwargs)

    def forward(self, x):
        return torch.relu(self.conv(x.transpose(1, 2)))


class _Pool(nn.Module):
    def forward(self, x):
        return nn.functional.max_pool1d(x, 4).transpose(1, 2)


class _TrainingCall:
    """Lets plain_epoch drive a tkeras model: `model.train()` is a no-op, calls pass training=True."""

    def __init__(self, model):
        self.model = model

    def train(self):
        pass

    def __call__(self, x):
        return self.model(x, training=True)


def _optimizer(name, params):
    if name == "adam":
        return torch.optim.Adam(params, lr=0.001, eps=1e-7, foreach=True)
    return torch.optim.RMSprop(params, lr=0.001, alpha=0.9, eps=1e-7, foreach=True)


def _run(name, build, torch_model, optimizer, x, y, batch, loss, rounds, layers_only):
    """`build(keras_module)` makes the Keras model, so the same definition runs on tkeras and on Keras 3."""
    import tkeras
    tk_model = build(tkeras)
    torch_model = torch_model.to(DEVICE)
    xt, yt = to_device(torch.from_numpy(x), torch.from_numpy(y))
    others = None
    plain_loss = nn.CrossEntropyLoss() if loss == "categorical_crossentropy" else nn.BCEWithLogitsLoss()
    plain_opt = _optimizer(optimizer, torch_model.parameters())
    if layers_only:
        tk_opt = _optimizer(optimizer, [w for w in tk_model.trainable_weights])
        if loss == "categorical_crossentropy":
            tk_loss = lambda p, t: nn.functional.nll_loss(torch.log(p.clamp_min(1e-7)), t)
        else:
            tk_loss = lambda p, t: nn.functional.binary_cross_entropy(p.squeeze(-1), t)
        from tkeras.backend.context import CALL_CONTEXT

        def tkeras_epoch():
            CALL_CONTEXT.raw = True  # as inside fit: outputs stay plain tensors
            try:
                plain_epoch(_TrainingCall(tk_model), tk_opt, tk_loss, xt, yt, batch)
            finally:
                CALL_CONTEXT.raw = False
        label = name + " (layers)"
    else:
        tk_model.compile(optimizer=optimizer, loss=loss)
        y_fit = np.eye(int(y.max()) + 1, dtype="float32")[y] if loss == "categorical_crossentropy" else y
        tkeras_epoch = lambda: tk_model.fit(x, y_fit, batch_size=batch, epochs=1, verbose=0)
        label = name
        keras3 = real_keras()
        if keras3 is not None:
            peer = build(keras3)
            peer.compile(optimizer=optimizer, loss=loss)
            others = {"keras3": lambda: peer.fit(x, y_fit, batch_size=batch, epochs=1, verbose=0)}
    if loss == "categorical_crossentropy":
        torch_epoch = lambda: plain_epoch(torch_model, plain_opt, plain_loss, xt, yt, batch)
    else:
        torch_epoch = lambda: plain_epoch(torch_model, plain_opt, lambda p, t: plain_loss(p.squeeze(-1), t), xt, yt, batch)
    return compare(label, tkeras_epoch, torch_epoch, rounds, others=others)


def _reuters(name, recurrent, plain_recurrent, rounds, layers_only):
    """Seed 001's model (Embedding -> `recurrent`(100) -> Dense 46, adam, batch 100)."""
    x, y = _ids(8982, 100, 1000), np.random.default_rng(1).integers(0, 46, 8982).astype("int64")

    def build(keras):
        L = keras.layers
        return keras.Sequential([keras.Input((100,), dtype="int32"), L.Embedding(1000, 100),
                                 getattr(L, recurrent)(100), L.Dense(46, activation="softmax")])
    plain = nn.Sequential(nn.Embedding(1000, 100), _LastStep(plain_recurrent(100, 100, batch_first=True)),
                          nn.Linear(100, 46))
    return _run(name, build, plain, "adam", x, y, 100, "categorical_crossentropy", rounds, layers_only)


def _imdb(name, recurrent, plain_recurrent, rounds, layers_only):
    """Seed 000's model (Embedding -> `recurrent`(32) -> Dense 1, rmsprop, batch 128)."""
    x, y = _ids(25000, 100, 10000), np.random.default_rng(1).integers(0, 2, 25000).astype("float32")

    def build(keras):
        L = keras.layers
        return keras.Sequential([keras.Input((100,), dtype="int32"), L.Embedding(10000, 32),
                                 getattr(L, recurrent)(32), L.Dense(1, activation="sigmoid")])
    plain = nn.Sequential(nn.Embedding(10000, 32), _LastStep(plain_recurrent(32, 32, batch_first=True)),
                          nn.Linear(32, 1))
    return _run(name, build, plain, "rmsprop", x, y, 128, "binary_crossentropy", rounds, layers_only)


def bench_reuters_lstm(rounds, layers_only):
    return _reuters("reuters_lstm", "LSTM", nn.LSTM, rounds, layers_only)


def bench_reuters_gru(rounds, layers_only):
    return _reuters("reuters_gru", "GRU", nn.GRU, rounds, layers_only)


def bench_imdb_gru(rounds, layers_only):
    return _imdb("imdb_gru", "GRU", nn.GRU, rounds, layers_only)


def bench_simple_rnn(rounds, layers_only):
    return _imdb("simple_rnn", "SimpleRNN", nn.RNN, rounds, layers_only)


def bench_imdb_cnn_bilstm(rounds, layers_only):
    x, y = _ids(4096, 200, 10000), np.random.default_rng(1).integers(0, 2, 4096).astype("float32")

    def build(keras):
        L = keras.layers
        return keras.Sequential([
            keras.Input((200,), dtype="int32"), L.Embedding(10000, 200), L.Dropout(0.5),
            L.Conv1D(64, 5, activation="relu"), L.MaxPooling1D(4),
            L.Bidirectional(L.LSTM(64, return_sequences=True)), L.Dropout(0.5), L.Bidirectional(L.LSTM(32)),
            L.Dense(1, activation="sigmoid")])
    plain = nn.Sequential(
        nn.Embedding(10000, 200), nn.Dropout(0.5), _Conv1d(200, 64, 5), _Pool(),
        _Sequences(nn.LSTM(64, 64, batch_first=True, bidirectional=True)), nn.Dropout(0.5),
        _BiLast(nn.LSTM(128, 32, batch_first=True, bidirectional=True)), nn.Linear(64, 1))
    return _run("imdb_cnn_bilstm", build, plain, "adam", x, y, 64, "binary_crossentropy", rounds, layers_only)


class _PlainConvLSTM(nn.Module):
    """The obvious PyTorch ConvLSTM: one Conv2d over the concatenated input and hidden state per step,
    then global average pooling and a linear head. Takes Keras' channels_last clips."""

    def __init__(self, channels, filters, kernel):
        super().__init__()
        self.filters = filters
        self.conv = nn.Conv2d(channels + filters, 4 * filters, kernel, padding=kernel // 2)
        self.head = nn.Linear(filters, 1)

    def forward(self, x):  # (batch, time, rows, cols, channels)
        x = x.permute(0, 1, 4, 2, 3)
        b, t, _, rows, cols = x.shape
        h = x.new_zeros((b, self.filters, rows, cols))
        c = torch.zeros_like(h)
        for step in range(t):
            i, f, g, o = self.conv(torch.cat([x[:, step], h], dim=1)).chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        return self.head(h.mean(dim=(2, 3)))


def bench_conv_lstm2d(rounds, layers_only):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((512, 8, 16, 16, 1)).astype("float32")
    y = rng.integers(0, 2, 512).astype("float32")

    def build(keras):
        L = keras.layers
        return keras.Sequential([keras.Input((8, 16, 16, 1)), L.ConvLSTM2D(16, 3, padding="same"),
                                 L.GlobalAveragePooling2D(), L.Dense(1, activation="sigmoid")])
    plain = _PlainConvLSTM(1, 16, 3)
    return _run("conv_lstm2d", build, plain, "adam", x, y, 32, "binary_crossentropy", rounds, layers_only)


BENCHES = {"reuters_lstm": bench_reuters_lstm, "reuters_gru": bench_reuters_gru,
           "imdb_gru": bench_imdb_gru, "simple_rnn": bench_simple_rnn,
           "imdb_cnn_bilstm": bench_imdb_cnn_bilstm, "conv_lstm2d": bench_conv_lstm2d}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=sorted(BENCHES), action="append")
    parser.add_argument("--layers-only", action="store_true")
    args = parser.parse_args()
    layers_only = args.layers_only or not _have_fit()
    if layers_only and not args.layers_only:
        print("tkeras has no optimizers/losses yet: timing the layers under a plain loop", flush=True)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {DEVICE}", flush=True)
    for name in args.only or list(BENCHES):
        BENCHES[name](args.rounds, layers_only)


if __name__ == "__main__":
    main()
