"""The same seed workloads as keras_workload.py, as a careful PyTorch user writes them by hand.

    python bench/peers/plain_torch_workload.py WORKLOAD

torch.nn modules of the same shapes, the same optimizers with Keras' defaults, losses on logits (the
fused form a torch user picks), a randperm/index_select loop without per-step `.item()`, and
`predict` as batched forward passes under `torch.inference_mode()`. Prints the same JSON line.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

EPOCHS = int(os.environ.get("PEER_EPOCHS", "2"))
SAMPLES = int(os.environ.get("PEER_SAMPLES", "0"))  # 0: the whole synthetic set


def _ids(n, steps, vocab, seed=0):
    return torch.from_numpy(np.random.default_rng(seed).integers(1, vocab, size=(n, steps)).astype("int64"))


def _labels(n, classes=2, seed=1):
    return torch.from_numpy(np.random.default_rng(seed).integers(0, classes, size=(n,)))


class LastHidden(nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        _, state = self.rnn(x)
        return (state[0] if isinstance(state, tuple) else state)[-1]


class CnnBiLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10000, 200)
        self.conv = nn.Conv1d(200, 64, 5)
        self.lstm1 = nn.LSTM(64, 64, batch_first=True, bidirectional=True)
        self.lstm2 = nn.LSTM(128, 32, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.5)
        self.out = nn.Linear(64, 1)

    def forward(self, x):
        h = self.dropout(self.embedding(x)).transpose(1, 2)
        h = nn.functional.max_pool1d(torch.relu(self.conv(h)), 4).transpose(1, 2)
        h = self.dropout(self.lstm1(h)[0])
        _, (state, _) = self.lstm2(h)
        return self.out(torch.cat([state[0], state[1]], dim=1)).squeeze(1)


def _rmsprop(model):
    return torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)


def _adam(model):
    return torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)


class Squeeze(nn.Module):
    def forward(self, x):
        return x.squeeze(-1)


def mnist_mlp():
    x = torch.from_numpy(np.random.default_rng(0).random((60000, 784)).astype("float32"))
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
    return model, _rmsprop(model), nn.CrossEntropyLoss(), x, _labels(60000, 10), 128


def imdb_dense():
    x = torch.from_numpy((np.random.default_rng(0).random((15000, 10000)) < 0.02).astype("float32"))
    model = nn.Sequential(nn.Linear(10000, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1), Squeeze())
    return model, _rmsprop(model), nn.BCEWithLogitsLoss(), x, _labels(15000).float(), 512


def simple_rnn():
    model = nn.Sequential(nn.Embedding(10000, 32), LastHidden(nn.RNN(32, 32, batch_first=True)), nn.Linear(32, 1),
                          Squeeze())
    return model, _rmsprop(model), nn.BCEWithLogitsLoss(), _ids(25000, 100, 10000), _labels(25000).float(), 128


def reuters_lstm():
    model = nn.Sequential(nn.Embedding(1000, 100), LastHidden(nn.LSTM(100, 100, batch_first=True)), nn.Linear(100, 46))
    return model, _adam(model), nn.CrossEntropyLoss(), _ids(8982, 100, 1000), _labels(8982, 46), 100


def imdb_cnn_bilstm():
    model = CnnBiLstm()
    return model, _adam(model), nn.BCEWithLogitsLoss(), _ids(4096, 200, 10000), _labels(4096).float(), 64


WORKLOADS = {f.__name__: f for f in (mnist_mlp, imdb_dense, simple_rnn, reuters_lstm, imdb_cnn_bilstm)}


def epoch(model, optimizer, loss_fn, x, y, batch_size):
    model.train()
    order = torch.randperm(x.shape[0])
    for start in range(0, x.shape[0], batch_size):
        index = order[start:start + batch_size]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x.index_select(0, index)), y.index_select(0, index))
        loss.backward()
        optimizer.step()


def predict(model, x, batch_size):
    model.eval()
    with torch.inference_mode():
        return torch.cat([model(x[start:start + batch_size]) for start in range(0, x.shape[0], batch_size)])


def main(name):
    model, optimizer, loss_fn, x, y, batch_size = WORKLOADS[name]()
    if SAMPLES:  # a shorter run (bench_contention.py)
        x, y = x[:SAMPLES], y[:SAMPLES]
    seconds = []
    for _ in range(1 + EPOCHS):
        start = time.perf_counter()
        epoch(model, optimizer, loss_fn, x, y, batch_size)
        seconds.append(time.perf_counter() - start)
    predict(model, x[:batch_size * 4], batch_size)
    predict_seconds = []
    for _ in range(3):
        start = time.perf_counter()
        predict(model, x, batch_size)
        predict_seconds.append(time.perf_counter() - start)
    print(json.dumps({"workload": name, "epoch_seconds": seconds,
                      "predict_samples_per_s": x.shape[0] / statistics.median(predict_seconds)}))


if __name__ == "__main__":
    main(sys.argv[1])
