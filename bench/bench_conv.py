"""Conv1D + MaxPooling1D (the seed CNN-BiLSTM's conv block) vs plain PyTorch, forward + backward.

    .venv/bin/python bench/bench_conv.py [--rounds 5] [--steps 20] [--threads N]

Input (64, 200, 200): batch 64, 200 steps, 200 embedding features, channels_last as an Embedding
produces it. tkeras: Conv1D(64, 5, 'valid', relu) -> MaxPooling1D(4). Plain torch reference rows:
`nn.Conv1d + relu + nn.MaxPool1d` on the same channels_last tensor (transposed as a PyTorch user
must), and on a tensor already in channels_first (the floor: no layout change at all). Also a
Conv2D(32, 3, 'same') + MaxPooling2D row on (32, 32, 32, 16) images. Ratios are tkeras / torch,
timed alternately in one process.
"""
import argparse
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tkeras import layers  # noqa: E402
from tkeras.backend import config as backend_config  # noqa: E402

DEVICE = backend_config.device()


def _sync():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def _step(fn, x):
    out = fn(x)
    out.sum().backward()


def _time(fn, x, steps):
    _sync()
    start = time.perf_counter()
    for _ in range(steps):
        _step(fn, x)
    _sync()
    return (time.perf_counter() - start) / steps


def compare(name, candidates, x_by_name, rounds, steps):
    for label, fn in candidates.items():  # warm-up (builds layers, allocator, oneDNN primitives)
        for _ in range(3):
            _step(fn, x_by_name[label])
    times = {label: [] for label in candidates}
    for _ in range(rounds):
        for label, fn in candidates.items():
            times[label].append(_time(fn, x_by_name[label], steps))
    medians = {label: statistics.median(t) for label, t in times.items()}
    base = medians["tkeras"]
    print(f"{name}")
    for label, value in medians.items():
        ratio = base / value
        print(f"  {label:<32} {value * 1000:8.2f} ms/step   tkeras/this = {ratio:.2f}x", flush=True)
    return medians


def conv1d_block(rounds, steps):
    torch.manual_seed(0)
    x_last = torch.randn(64, 200, 200, device=DEVICE, requires_grad=True)
    x_first = x_last.detach().transpose(1, 2).contiguous().requires_grad_(True)
    conv = layers.Conv1D(64, 5, padding="valid", activation="relu")
    pool = layers.MaxPooling1D(4)
    conv(x_last.detach())
    torch_conv = torch.nn.Conv1d(200, 64, 5).to(DEVICE)
    torch_pool = torch.nn.MaxPool1d(4)

    def tkeras_block(x):
        return pool(conv(x, training=True))

    def torch_from_last(x):
        return torch_pool(torch.relu(torch_conv(x.transpose(1, 2)))).transpose(1, 2)

    def torch_channels_first(x):
        return torch_pool(torch.relu(torch_conv(x)))

    return compare("Conv1D(64, 5, relu) + MaxPooling1D(4) on (64, 200, 200), forward + backward",
                   {"tkeras": tkeras_block, "torch, same channels_last input": torch_from_last,
                    "torch, channels_first input": torch_channels_first},
                   {"tkeras": x_last, "torch, same channels_last input": x_last,
                    "torch, channels_first input": x_first}, rounds, steps)


def conv2d_block(rounds, steps):
    torch.manual_seed(0)
    x_last = torch.randn(32, 32, 32, 16, device=DEVICE, requires_grad=True)
    x_first = x_last.detach().permute(0, 3, 1, 2).contiguous().requires_grad_(True)
    conv = layers.Conv2D(32, 3, padding="same", activation="relu")
    pool = layers.MaxPooling2D(2)
    conv(x_last.detach())
    torch_conv = torch.nn.Conv2d(16, 32, 3, padding=1).to(DEVICE)
    torch_pool = torch.nn.MaxPool2d(2)

    def tkeras_block(x):
        return pool(conv(x, training=True))

    def torch_from_last(x):
        return torch_pool(torch.relu(torch_conv(x.permute(0, 3, 1, 2)))).permute(0, 2, 3, 1)

    def torch_channels_first(x):
        return torch_pool(torch.relu(torch_conv(x)))

    return compare("Conv2D(32, 3, same, relu) + MaxPooling2D(2) on (32, 32, 32, 16), forward + backward",
                   {"tkeras": tkeras_block, "torch, same channels_last input": torch_from_last,
                    "torch, channels_first input": torch_channels_first},
                   {"tkeras": x_last, "torch, same channels_last input": x_last,
                    "torch, channels_first input": x_first}, rounds, steps)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--only", choices=("conv1d", "conv2d"), default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, device {DEVICE}, {torch.get_num_threads()} threads")
    if args.only in (None, "conv1d"):
        conv1d_block(args.rounds, args.steps)
    if args.only in (None, "conv2d"):
        conv2d_block(args.rounds, args.steps)


if __name__ == "__main__":
    main()
