"""Shared bench helpers: run tkeras and a plain-PyTorch loop alternately in one process, report ratios.

Absolute times on shared 2-core machines are noise; the ratio of two loops measured side by side in
the same process is the figure that means something. On a CUDA machine both loops run on the GPU
(tkeras by default, the plain loop because its model and data are moved there), and every timed epoch
ends with a device synchronisation so queued kernels are counted.
"""
import os
import statistics
import time

import torch

DEVICE = torch.device(os.environ.get("TKERAS_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu"))


def _sync():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def time_epochs(run_epoch, epochs):
    times = []
    for _ in range(epochs):
        _sync()
        start = time.perf_counter()
        run_epoch()
        _sync()
        times.append(time.perf_counter() - start)
    return times


def compare(name, tkeras_epoch, torch_epoch, rounds=3, warmup=1, others=None, epochs_per_call=1):
    """Alternate the loops `rounds` times after a warm-up call each; median seconds per epoch.

    Each function runs `epochs_per_call` epochs per call (a Keras user calls fit(epochs=20) once, so
    the per-call conversion of NumPy data is spread over its epochs, as in real use). `others` maps a
    label (e.g. "keras3") to one more function timed the same way; its ratio is also against plain
    PyTorch.
    """
    loops = {"tkeras": tkeras_epoch, "torch": torch_epoch}
    for loop in loops.values():
        for _ in range(warmup):
            loop()
    for label, loop in dict(others or {}).items():
        try:  # a peer that fails (version skew, missing kernel) loses its column, not the row
            for _ in range(warmup):
                loop()
            loops[label] = loop
        except Exception as exc:
            print(f"{name}: {label} failed: {type(exc).__name__}: {str(exc)[:200]}", flush=True)
    others = {label: loop for label, loop in loops.items() if label not in ("tkeras", "torch")}
    samples = {label: [] for label in loops}
    for _ in range(rounds):
        for label, loop in loops.items():
            samples[label] += time_epochs(loop, 1)
    medians = {label: statistics.median(values) / epochs_per_call for label, values in samples.items()}
    row = {"workload": name, "device": DEVICE.type, "tkeras_s": medians["tkeras"], "torch_s": medians["torch"],
           "ratio": medians["tkeras"] / medians["torch"]}
    text = f"{name:<18} tkeras {medians['tkeras']:7.3f}s  plain torch {medians['torch']:7.3f}s  ratio {row['ratio']:.2f}x"
    for label in others or {}:
        row[f"{label}_s"] = medians[label]
        row[f"{label}_ratio"] = medians[label] / medians["torch"]
        text += f"  {label} {medians[label]:7.3f}s ({row[f'{label}_ratio']:.2f}x)"
    print(text, flush=True)
    return row


def to_device(*tensors):
    return [t.to(DEVICE) for t in tensors]


def plain_epoch(model, optimizer, loss_fn, x, y, batch_size):
    """The baseline: a hand-written loop as a careful PyTorch user writes it (no per-step .item()).

    `x` and `y` should already be on the model's device (see `to_device`); the model too.
    """
    n = x.shape[0]
    order = torch.randperm(n, device=x.device)
    model.train()
    total = torch.zeros((), device=x.device)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        xb, yb = x.index_select(0, idx), y.index_select(0, idx)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.detach() * xb.shape[0]
    return float(total) / n


def real_keras():
    """Keras 3 on its torch backend, when installed (the peer the issue compares with), else None."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import keras
    except ImportError:
        return None
    if getattr(keras, "__name__", "") != "keras" or not hasattr(keras, "backend") or \
            keras.backend.backend() != "torch":
        return None
    return keras
