"""GroupQueryAttention vs the same attention written the obvious way in plain PyTorch, forward + backward.

    .venv/bin/python bench/bench_attention.py [--rounds 5] [--steps 10] [--threads N]

Self-attention with a causal mask on (batch 16, 128 steps, 256 features): 8 query heads and 2
key/value heads of 32. tkeras: `layers.GroupQueryAttention(32, 8, 2)(x, x, use_causal_mask=True)`.
Plain PyTorch: four `nn.Linear` projections, key/value heads copied to the query heads with
`repeat_interleave`, `F.scaled_dot_product_attention(is_causal=True)`, output projection. Ratios are
tkeras / torch, timed alternately in one process.
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tkeras import layers  # noqa: E402
from tkeras.backend import config as backend_config  # noqa: E402

DEVICE = backend_config.device()
BATCH, STEPS, DIM, HEADS, KV_HEADS, HEAD_DIM = 16, 128, 256, 8, 2, 32


class PlainGQA(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.q = torch.nn.Linear(DIM, HEADS * HEAD_DIM)
        self.k = torch.nn.Linear(DIM, KV_HEADS * HEAD_DIM)
        self.v = torch.nn.Linear(DIM, KV_HEADS * HEAD_DIM)
        self.o = torch.nn.Linear(HEADS * HEAD_DIM, DIM)

    def forward(self, x):
        b, t, _ = x.shape
        q = self.q(x).view(b, t, HEADS, HEAD_DIM).transpose(1, 2)
        k = self.k(x).view(b, t, KV_HEADS, HEAD_DIM).transpose(1, 2)
        v = self.v(x).view(b, t, KV_HEADS, HEAD_DIM).transpose(1, 2)
        k = k.repeat_interleave(HEADS // KV_HEADS, dim=1)
        v = v.repeat_interleave(HEADS // KV_HEADS, dim=1)
        out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.o(out.transpose(1, 2).reshape(b, t, HEADS * HEAD_DIM))


def _sync():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def _time(fn, x, steps):
    _sync()
    start = time.perf_counter()
    for _ in range(steps):
        fn(x).sum().backward()
    _sync()
    return (time.perf_counter() - start) / steps


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    x = torch.randn(BATCH, STEPS, DIM, device=DEVICE)
    gqa = layers.GroupQueryAttention(HEAD_DIM, HEADS, KV_HEADS)
    gqa(x, x)
    candidates = {"tkeras": lambda t: gqa(t, t, use_causal_mask=True, training=True),
                  "torch": PlainGQA().to(DEVICE)}
    for fn in candidates.values():  # warm-up
        for _ in range(2):
            fn(x).sum().backward()
    times = {label: [] for label in candidates}
    for _ in range(args.rounds):
        for label, fn in candidates.items():
            times[label].append(_time(fn, x, args.steps))
    medians = {label: statistics.median(t) for label, t in times.items()}
    print(f"group_query_attention ({DEVICE.type}, batch {BATCH}, {STEPS} steps, {HEADS}/{KV_HEADS} heads of "
          f"{HEAD_DIM}): tkeras {medians['tkeras'] * 1000:.2f} ms/step, plain torch "
          f"{medians['torch'] * 1000:.2f} ms/step, ratio {medians['tkeras'] / medians['torch']:.2f}x", flush=True)


if __name__ == "__main__":
    main()
