"""Data-parallel throughput: samples/s of `fit` with 1 process and with 2 processes (gloo, CPU).

    .venv/bin/python bench/bench_distributed.py [--samples 30000] [--batch 256] [--epochs 2]

Workload: the MNIST MLP (784 -> Dense(512, relu) -> Dense(10, softmax), SGD, sparse categorical
crossentropy) on synthetic images, global batch `--batch`. Rows:
  1 proc x 1 thread   - baseline
  1 proc x 2 threads  - what one process gets from both cores
  2 procs x 1 thread  - tkeras.distribute over gloo, launched as torchrun would (RANK, WORLD_SIZE, ...)
On a 2-core machine two processes can at best double the 1-thread baseline; the gap is the gradient
all-reduce and the per-epoch metric sync. The first epoch (warm-up) is not timed.
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


def ddp_worker(args):
    """The reference: torch.nn.parallel.DistributedDataParallel, each rank taking half of each global batch."""
    import numpy as np
    import torch
    import torch.distributed as dist
    torch.set_num_threads(args.threads)
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    rng = np.random.default_rng(0)
    x = torch.from_numpy((rng.random((args.samples, 784), dtype=np.float32) < 0.2).astype("float32"))
    y = torch.from_numpy(rng.integers(0, 10, size=args.samples))
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    model = torch.nn.parallel.DistributedDataParallel(net)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    local = args.batch // world

    def epoch():
        order = torch.randperm(args.samples, generator=torch.Generator().manual_seed(0))
        total = torch.zeros(())
        for start in range(0, args.samples - args.batch + 1, args.batch):  # full batches only
            idx = order[start:start + args.batch][rank * local:(rank + 1) * local]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
            total += loss.detach()
        return total

    epoch()
    start = time.perf_counter()
    for _ in range(args.epochs):
        epoch()
    seconds = time.perf_counter() - start
    if rank == 0:
        processed = (args.samples // args.batch) * args.batch * args.epochs
        print(json.dumps({"samples_per_s": processed / seconds, "final_loss": float("nan")}),
              flush=True)
    dist.destroy_process_group()


def worker(args):
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    sys.path.insert(0, REPO)
    import tkeras as keras

    rng = np.random.default_rng(0)
    x = (rng.random((args.samples, 784), dtype=np.float32) < 0.2).astype("float32")
    y = rng.integers(0, 10, size=args.samples)
    torch.manual_seed(0)
    model = keras.Sequential([keras.layers.Dense(512, activation="relu", input_shape=(784,)),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=args.batch, epochs=1, verbose=0)  # warm-up
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=args.batch, epochs=args.epochs, verbose=0)
    seconds = time.perf_counter() - start
    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps({"samples_per_s": args.samples * args.epochs / seconds,
                          "final_loss": history.history["loss"][-1]}), flush=True)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(args, processes, threads, ddp=False):
    port = _free_port()
    procs = []
    for rank in range(processes):
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), TKERAS_DEVICE="cpu")
        for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
            env.pop(name, None)
        if processes > 1:
            env.update(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(processes), MASTER_ADDR="127.0.0.1",
                       MASTER_PORT=str(port))
        command = [sys.executable, os.path.abspath(__file__), "--worker", "--threads", str(threads),
                   "--samples", str(args.samples), "--batch", str(args.batch), "--epochs", str(args.epochs)]
        if ddp:
            command.append("--ddp")
        procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate() for p in procs]
    for p, (out, err) in zip(procs, outputs):
        if p.returncode != 0:
            raise SystemExit(f"worker failed:\n{err[-3000:]}")
    return json.loads(outputs[0][0].strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--ddp", action="store_true")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--samples", type=int, default=30000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    if args.worker:
        return ddp_worker(args) if args.ddp else worker(args)
    print(f"MNIST MLP, {args.samples} samples, global batch {args.batch}, {args.epochs} timed epochs, CPU "
          f"({os.cpu_count()} cores)")
    rows = []
    for processes, threads in ((1, 1), (1, 2), (2, 1)):
        result = launch(args, processes, threads)
        rows.append((processes, threads, result))
        print(f"  {processes} proc x {threads} thread(s): {result['samples_per_s']:9.0f} samples/s  "
              f"(final loss {result['final_loss']:.4f})", flush=True)
    ddp = launch(args, 2, 1, ddp=True)
    print(f"  2 proc x 1 thread(s), plain torch DDP: {ddp['samples_per_s']:9.0f} samples/s", flush=True)
    base = rows[0][2]["samples_per_s"]
    for processes, threads, result in rows[1:]:
        print(f"  speed-up {processes}x{threads} vs 1x1: {result['samples_per_s'] / base:.2f}x")


if __name__ == "__main__":
    main()
