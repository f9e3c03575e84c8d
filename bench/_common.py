"""Shared bench helpers: run tkeras and a plain-PyTorch loop alternately in one process, report ratios.

Absolute times on shared 2-core machines are noise; the ratio of two loops measured side by side in
the same process is the figure that means something.
"""
import statistics
import time

import torch


def time_epochs(run_epoch, epochs):
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        run_epoch()
        times.append(time.perf_counter() - start)
    return times


def compare(name, tkeras_epoch, torch_epoch, rounds=3, warmup=1):
    """Alternate the two loops `rounds` times after a warm-up epoch each; median epoch seconds."""
    for _ in range(warmup):
        tkeras_epoch()
        torch_epoch()
    tk, pt = [], []
    for _ in range(rounds):
        tk += time_epochs(tkeras_epoch, 1)
        pt += time_epochs(torch_epoch, 1)
    tk_median, pt_median = statistics.median(tk), statistics.median(pt)
    row = {"workload": name, "tkeras_s": tk_median, "torch_s": pt_median, "ratio": tk_median / pt_median}
    print(f"{name:<18} tkeras {tk_median:7.3f}s  plain torch {pt_median:7.3f}s  ratio {row['ratio']:.2f}x", flush=True)
    return row


def plain_epoch(model, optimizer, loss_fn, x, y, batch_size):
    """The baseline: a hand-written loop as a careful PyTorch user writes it (no per-step .item())."""
    n = x.shape[0]
    order = torch.randperm(n)
    model.train()
    total = torch.zeros(())
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        xb, yb = x.index_select(0, idx), y.index_select(0, idx)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.detach() * xb.shape[0]
    return float(total) / n
