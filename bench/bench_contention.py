"""What sharing the machine costs: each framework's slowdown with busy-loop processes beside it.

    .venv/bin/python bench/bench_contention.py [--only mnist_mlp reuters_lstm] [--load 1] [--repeats 2]
                                               [--samples 6400] [--threads N] [--env KEY=VALUE ...]
                                               [--frameworks tkeras torch tf_keras2 keras3_jax]

For each workload, tkeras (peers/keras_workload.py through tkeras' runner), the plain PyTorch loop
(peers/plain_torch_workload.py) and, if asked, the peers of bench_peers.py (tf-keras 2, Keras 3 on JAX,
from their scratch venvs) each run in their own process, back to back: once on the machine as it
is ("quiet") and once with `--load` processes spinning `while True: pass` beside it ("loaded"). The
figure is each one's loaded/quiet ratio of median epoch seconds (one warm-up epoch excluded): on a
machine of C cores, L busy loops should cost about what taking L cores away costs, not a multiple of it.
The frameworks alternate within every repeat, so a change in the background load hits them all.
tkeras gives way to the load itself (backend/core_sharing.py); `--env TKERAS_SHARE_CORES=0` turns
that off, to see what it saves.

The workers run with the threads torch picks unless `--threads N` sets OMP_NUM_THREADS for both
(the bench is about thread behaviour, so it does not force one thread); `--env` passes further
settings to both workers, e.g. `--env OMP_WAIT_POLICY=PASSIVE` to compare libgomp's wait policies
(both use torch's default, spinning; passive waiting helped under load but made small recurrent steps
6x slower on a quiet machine, so tkeras does not set it).
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_peers import frameworks as all_frameworks, run_one  # noqa: E402

WORKLOADS = ("mnist_mlp", "reuters_lstm", "simple_rnn", "imdb_dense", "imdb_cnn_bilstm")


def _busy(n):
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def _timed(argv, env, workload, load):
    busy = _busy(load)
    try:
        seconds, _ = run_one(argv, env, workload)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=["mnist_mlp", "reuters_lstm"], choices=WORKLOADS)
    parser.add_argument("--load", type=int, default=1, help="busy-loop processes beside the loaded runs")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--samples", type=int, default=6400, help="samples per epoch (0: the whole set)")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per run, after one warm-up")
    parser.add_argument("--frameworks", nargs="*", default=["tkeras", "torch"],
                        choices=["tkeras", "torch", "tf_keras2", "keras3_jax"],
                        help="which to run (the peers from the venvs bench_peers.py names)")
    parser.add_argument("--threads", type=int, help="OMP_NUM_THREADS for both workers (default: torch's choice)")
    parser.add_argument("--env", nargs="*", default=[], metavar="KEY=VALUE", help="more settings for both workers")
    args = parser.parse_args()
    env = {"PEER_SAMPLES": str(args.samples), "PEER_EPOCHS": str(args.epochs)}
    env.update(item.split("=", 1) for item in args.env)
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)
    elif "OMP_NUM_THREADS" in os.environ:
        del os.environ["OMP_NUM_THREADS"]  # the workers inherit os.environ: let torch choose
    found = all_frameworks()
    frameworks = {label: found[label] for label in args.frameworks if label in found}
    print(f"{os.cpu_count()} cores, load {args.load}, {args.repeats} repeats, settings {env}, "
          f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
    for workload in args.only:
        samples = {(label, kind): [] for label in frameworks for kind in ("quiet", "loaded")}
        for _ in range(args.repeats):
            for label, (argv, own_env) in frameworks.items():
                samples[label, "quiet"].append(_timed(argv, dict(env, **own_env), workload, 0))
                samples[label, "loaded"].append(_timed(argv, dict(env, **own_env), workload, args.load))
        text = f"{workload:<16}"
        for label in frameworks:
            quiet = statistics.median(samples[label, "quiet"])
            loaded = statistics.median(samples[label, "loaded"])
            text += f" {label}: quiet {quiet:6.3f}s loaded {loaded:6.3f}s slowdown {loaded / quiet:5.2f}x |"
        print(text.rstrip(" |"), flush=True)


if __name__ == "__main__":
    main()
