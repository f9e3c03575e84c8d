"""Core training speed: tkeras `fit` vs a plain PyTorch loop on the issue's MLP workloads, and import time.

    .venv/bin/python bench/bench_core.py [--rounds 3] [--only mnist_mlp]

mnist_mlp: Dense(512, relu) -> Dense(10, softmax), rmsprop, batch 128, 60,000 x 784 synthetic images
with MNIST's always-black border (so RMSprop state decays towards denormals, as on real MNIST).
imdb_dense: 10,000-d multi-hot -> 16 -> 16 -> 1, rmsprop, batch 512, 15,000 reviews (real IMDB when
TKERAS_DATASETS has it, else synthetic).
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import compare, plain_epoch  # noqa: E402


def mnist_like(n=60000, seed=0):
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 28, 28), dtype="float32")
    x[:, 4:24, 4:24] = rng.random((n, 20, 20), dtype=np.float32) * (rng.random((n, 20, 20)) < 0.2)
    y = rng.integers(0, 10, size=n)
    # make labels learnable: brighten a class-specific patch
    for c in range(10):
        rows = y == c
        x[rows, 4 + 2 * c:6 + 2 * c, 8:20] = 1.0
    return x.reshape(n, 784), y.astype("int64")


def imdb_multi_hot(n=15000, dim=10000, seed=0):
    try:
        from tkeras.datasets import imdb
        (data, labels), _ = imdb.load_data(num_words=dim)
        data, labels = data[:n], labels[:n]
    except Exception:
        rng = np.random.default_rng(seed)
        labels = rng.integers(0, 2, size=n)
        data = [rng.integers(1, dim, size=rng.integers(50, 400)) for _ in range(n)]
    x = np.zeros((n, dim), dtype="float32")
    for i, seq in enumerate(data):
        x[i, seq] = 1.0
    return x, np.asarray(labels, dtype="float32")


def bench_mnist_mlp(rounds):
    import tkeras as keras
    x, y = mnist_like()
    model = keras.Sequential([keras.layers.Dense(512, activation="relu", input_shape=(784,)),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    plain = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    opt = torch.optim.RMSprop(plain.parameters(), lr=0.001, alpha=0.9, eps=1e-7, foreach=True)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    loss_fn = torch.nn.CrossEntropyLoss()
    return compare("mnist_mlp", lambda: model.fit(x, y, batch_size=128, epochs=1, verbose=0),
                   lambda: plain_epoch(plain, opt, loss_fn, xt, yt, 128), rounds)


def bench_imdb_dense(rounds):
    import tkeras as keras
    x, y = imdb_multi_hot()
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(10000,)),
                              keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    plain = torch.nn.Sequential(torch.nn.Linear(10000, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16),
                                torch.nn.ReLU(), torch.nn.Linear(16, 1))
    opt = torch.optim.RMSprop(plain.parameters(), lr=0.001, alpha=0.9, eps=1e-7, foreach=True)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y).reshape(-1, 1)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    return compare("imdb_dense", lambda: model.fit(x, y, batch_size=512, epochs=1, verbose=0),
                   lambda: plain_epoch(plain, opt, loss_fn, xt, yt, 512), rounds)


def import_times(repeats=3):
    def best(stmt):
        times = []
        for _ in range(repeats):
            out = subprocess.run([sys.executable, "-c", f"import time; t=time.perf_counter(); {stmt}; "
                                  "print(time.perf_counter()-t)"], capture_output=True, text=True, check=True)
            times.append(float(out.stdout.strip().splitlines()[-1]))
        return min(times)
    t_torch = best("import torch")
    t_tkeras = best("import tkeras")
    print(f"import torch {t_torch:.2f}s, import tkeras {t_tkeras:.2f}s (adds {t_tkeras - t_torch:+.2f}s)")
    return t_torch, t_tkeras


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default=None)
    args = parser.parse_args()
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for name, fn in (("mnist_mlp", bench_mnist_mlp), ("imdb_dense", bench_imdb_dense)):
        if args.only in (None, name):
            fn(args.rounds)
    if args.only in (None, "import"):
        import_times()


if __name__ == "__main__":
    main()
