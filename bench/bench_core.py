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
from _common import DEVICE, compare, plain_epoch, real_keras, to_device  # noqa: E402


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
        if os.environ.get("BENCH_SYNTHETIC"):  # e.g. on the GPU machine, which has no data and no network
            raise LookupError("synthetic data requested")
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


def _mnist_mlp_model(keras):
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _imdb_dense_model(keras):
    model = keras.Sequential([keras.Input(shape=(10000,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


EPOCHS = 2  # epochs per fit() call (see _common.compare)


def _peers(build, x, y, batch_size):
    """The same model in Keras 3 on torch, when it is installed: one more column."""
    keras3 = real_keras()
    if keras3 is None:
        return None
    model = build(keras3)
    return {"keras3": lambda: model.fit(x, y, batch_size=batch_size, epochs=EPOCHS, verbose=0)}


def _plain_epochs(*args):
    return lambda: [plain_epoch(*args) for _ in range(EPOCHS)]


def bench_mnist_mlp(rounds):
    import tkeras as keras
    x, y = mnist_like()
    model = _mnist_mlp_model(keras)
    plain = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10)).to(DEVICE)
    opt = torch.optim.RMSprop(plain.parameters(), lr=0.001, alpha=0.9, eps=1e-7, foreach=True)
    xt, yt = to_device(torch.from_numpy(x), torch.from_numpy(y))
    loss_fn = torch.nn.CrossEntropyLoss()
    return compare("mnist_mlp", lambda: model.fit(x, y, batch_size=128, epochs=EPOCHS, verbose=0),
                   _plain_epochs(plain, opt, loss_fn, xt, yt, 128), rounds,
                   others=_peers(_mnist_mlp_model, x, y, 128), epochs_per_call=EPOCHS)


def bench_imdb_dense(rounds):
    import tkeras as keras
    x, y = imdb_multi_hot()
    model = _imdb_dense_model(keras)
    plain = torch.nn.Sequential(torch.nn.Linear(10000, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16),
                                torch.nn.ReLU(), torch.nn.Linear(16, 1)).to(DEVICE)
    opt = torch.optim.RMSprop(plain.parameters(), lr=0.001, alpha=0.9, eps=1e-7, foreach=True)
    xt, yt = to_device(torch.from_numpy(x), torch.from_numpy(y).reshape(-1, 1))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    return compare("imdb_dense", lambda: model.fit(x, y, batch_size=512, epochs=EPOCHS, verbose=0),
                   _plain_epochs(plain, opt, loss_fn, xt, yt, 512), rounds,
                   others=_peers(_imdb_dense_model, x, y, 512), epochs_per_call=EPOCHS)


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
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {DEVICE}")
    for name, fn in (("mnist_mlp", bench_mnist_mlp), ("imdb_dense", bench_imdb_dense)):
        if args.only in (None, name):
            fn(args.rounds)
    if args.only in (None, "import"):
        import_times()


if __name__ == "__main__":
    main()
