"""ModelParallel memory and throughput: a model with one large Dense kernel, one process vs 2 ranks (gloo, CPU).

    .venv/bin/python bench/bench_model_parallel.py [--width 4096] [--samples 2048] [--batch 128] [--epochs 2]

Workload: Dense(width, relu) -> Dense(width, relu) -> Dense(10), Adam, MSE, on synthetic data; the
two width x width kernels dominate (with Adam: weights + gradients + two slots = 4 copies).
Rows:
  1 proc                 - keras.distribution not used
  2 ranks ModelParallel  - mesh (1, 2) ("batch", "model"), Dense kernels (None, "model"), biases ("model",)
Per rank it reports the bytes held by weights, gradients and optimizer slots (counted from the
tensors' own storage), and the peak resident memory during the timed epochs (VmHWM, reset after a
one-step warm-up that builds, shards and creates the optimizer slots), and samples/s.
Each process runs with one thread, so on a 2-core machine 2 ranks use both cores.
RSS includes ~250 MiB of Python/torch/tkeras, the one-off whole-weight initialisation before the
shards are cut, and memory glibc keeps after frees (MALLOC_MMAP_THRESHOLD_=131072 makes it return
large blocks, at a cost in speed); the weights+grads+slots column is the exact tensor storage.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def _status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS (Linux)
    except OSError:
        pass


def worker(args):
    import numpy as np
    import torch
    torch.set_num_threads(1)
    sys.path.insert(0, REPO)
    import tkeras as keras
    distributed = "RANK" in os.environ
    if distributed:
        devices = keras.distribution.list_devices()
        mesh = keras.distribution.DeviceMesh((1, len(devices)), ("batch", "model"), devices)
        layout_map = keras.distribution.LayoutMap(mesh)
        layout_map[".*dense.*kernel"] = (None, "model")
        layout_map[".*dense.*bias"] = ("model",)
        keras.distribution.set_distribution(keras.distribution.ModelParallel(layout_map=layout_map))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.samples, args.width)).astype("float32")
    y = rng.standard_normal((args.samples, 10)).astype("float32")
    keras.utils.set_random_seed(0)
    base = _status("VmRSS")
    model = keras.Sequential([keras.Input((args.width,)), keras.layers.Dense(args.width, activation="relu"),
                              keras.layers.Dense(args.width, activation="relu"), keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.Adam(1e-4), loss="mse")
    model.fit(x[:args.batch], y[:args.batch], batch_size=args.batch, epochs=1, verbose=0)  # build, shard, slots
    held = sum(t.untyped_storage().nbytes() for t in model.weights) + sum(
        t.grad.untyped_storage().nbytes() for t in model.weights if t.grad is not None) + sum(
        t.untyped_storage().nbytes() for t in model.optimizer.variables)
    after_warmup = _status("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    model.fit(x, y, batch_size=args.batch, epochs=args.epochs, shuffle=False, verbose=0)
    seconds = time.perf_counter() - start
    result = {"rank": int(os.environ.get("RANK", "0")), "held_mib": held / 2 ** 20,
              "peak_rss_mib": _status("VmHWM") / 2 ** 20, "base_rss_mib": base / 2 ** 20,
              "after_warmup_mib": after_warmup / 2 ** 20,
              "samples_per_s": args.samples * args.epochs / seconds}
    with open(os.path.join(args.out, f"result_{'mp' if distributed else 'single'}_{result['rank']}.json"), "w") as f:
        json.dump(result, f)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", type=int, default=4096)
    parser.add_argument("--samples", type=int, default=2048)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--out", default="/tmp/bench_model_parallel")
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    os.makedirs(args.out, exist_ok=True)
    env = dict(os.environ, TKERAS_DEVICE="cpu", OMP_NUM_THREADS="1")
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    own = [__file__, "--worker", "--width", str(args.width), "--samples", str(args.samples), "--batch",
           str(args.batch), "--epochs", str(args.epochs), "--out", args.out]
    subprocess.run([sys.executable] + own, env=env, check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_addr=127.0.0.1",
                    f"--master_port={port}"] + own, env=env, check=True)
    rows = [("1 proc", [json.load(open(os.path.join(args.out, "result_single_0.json")))])]
    rows.append(("2 ranks ModelParallel", [json.load(open(os.path.join(args.out, f"result_mp_{r}.json")))
                                           for r in range(2)]))
    print(f"width {args.width}, {args.samples} samples, batch {args.batch}, {args.epochs} epochs, Adam")
    print(f"{'run':<24}{'rank':>5}{'weights+grads+slots MiB':>26}{'peak RSS MiB':>14}{'of which model':>16}"
          f"{'samples/s':>11}")
    for label, results in rows:
        for r in results:
            print(f"{label:<24}{r['rank']:>5}{r['held_mib']:>26.1f}{r['peak_rss_mib']:>14.1f}"
                  f"{r['peak_rss_mib'] - r['base_rss_mib']:>16.1f}"
                  f"{r['samples_per_s']:>11.1f}")


if __name__ == "__main__":
    main()
