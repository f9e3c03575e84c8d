"""tkeras against the best peer on each seed workload: tf-keras 2, Keras 3 on JAX and plain PyTorch.

    .venv/bin/python bench/bench_peers.py [--only mnist_mlp ...] [--rounds 3] [--load 1] [--json out.json]

Each framework runs the workload in its own process, back to back (peers/keras_workload.py for the
Keras ones, run by tkeras' runner for tkeras; peers/plain_torch_workload.py for PyTorch), and reports
the median of its timed epochs (one warm-up epoch first) and its predict throughput. The table gives
tkeras' epoch time over the best peer's (below 1.0: tkeras is faster) and the best peer's predict
throughput over tkeras' (below 1.0: tkeras predicts faster). On a shared machine one pass moves a
ratio by up to ±0.2: `--rounds N` runs every framework N times per workload, in alternating order
(forward, then backward, ...), so that a slow spell falls on all of them, and reports the medians
over rounds, with the range of tkeras' per-round ratio. `--load N` keeps N busy-loop processes
running beside every measurement: the "busy machine" case, where the figure that matters is each
framework's slowdown against its own quiet run.

The peers live in scratch virtual environments outside the repo, never as tkeras dependencies:

    python3 -m venv /tmp/tfref && /tmp/tfref/bin/pip install tensorflow-cpu==2.21.0 tf-keras==2.21.0
    python3 -m venv /tmp/kref && /tmp/kref/bin/pip install keras==3.15.1 jax

(other paths through TKERAS_PEER_TF_KERAS and TKERAS_PEER_KERAS3, the venvs' python). A peer whose
interpreter is absent, or that fails, loses its column, not the row.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
KERAS_SCRIPT = os.path.join(HERE, "peers", "keras_workload.py")
TORCH_SCRIPT = os.path.join(HERE, "peers", "plain_torch_workload.py")
WORKLOADS = ("imdb_cnn_bilstm", "reuters_lstm", "imdb_dense", "simple_rnn", "mnist_mlp")


def frameworks():
    """label -> (argv before the workload name, extra environment)."""
    found = {
        "tkeras": ([sys.executable, "-m", "tkeras", "run", KERAS_SCRIPT], {}),
        "torch": ([sys.executable, TORCH_SCRIPT], {}),
    }
    tf_python = os.environ.get("TKERAS_PEER_TF_KERAS", "/tmp/tfref/bin/python")
    if os.path.exists(tf_python):
        found["tf_keras2"] = ([tf_python, KERAS_SCRIPT], {"PEER_TF_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"})
    jax_python = os.environ.get("TKERAS_PEER_KERAS3", "/tmp/kref/bin/python")
    if os.path.exists(jax_python):
        found["keras3_jax"] = ([jax_python, KERAS_SCRIPT], {"KERAS_BACKEND": "jax"})
    return found


def run_one(argv, extra_env, workload):
    env = dict(os.environ, **extra_env)
    env.pop("TKERAS_MAX_EPOCHS", None)
    env["PYTHONPATH"] = REPO
    result = subprocess.run(argv + [workload], capture_output=True, text=True, env=env, cwd=REPO, timeout=1800)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "no output")
    data = json.loads(lines[-1])
    return statistics.median(data["epoch_seconds"][1:]), data["predict_samples_per_s"]


def measure(workload, labels, rounds):
    """One row: each framework's median epoch and predict throughput over `rounds` runs."""
    runs = {label: [] for label in labels}
    order = list(labels)
    for number in range(rounds):
        for label in order if number % 2 == 0 else order[::-1]:
            argv, env = labels[label]
            try:
                runs[label].append(run_one(argv, env, workload))
            except Exception as exc:  # noqa: BLE001 - a failing peer loses its column
                print(f"{workload}: {label} failed: {str(exc)[:300]}", file=sys.stderr, flush=True)
    row = {"workload": workload, "rounds": rounds}
    for label, results in runs.items():
        if results:
            row[f"{label}_epoch_s"] = statistics.median(epoch for epoch, _ in results)
            row[f"{label}_predict_per_s"] = statistics.median(rate for _, rate in results)
            row[f"{label}_epochs_s"] = [epoch for epoch, _ in results]
    per_round = _per_round_ratios(runs)
    if per_round:
        row["epoch_vs_best_range"] = [min(per_round), max(per_round)]
    return row


def _per_round_ratios(runs):
    """tkeras' epoch over the best peer's within each round (rounds where every framework ran)."""
    complete = [label for label, results in runs.items() if len(results) == len(runs["tkeras"])]
    peers = [label for label in complete if label != "tkeras"]
    if "tkeras" not in complete or not peers:
        return []
    return [runs["tkeras"][i][0] / min(runs[label][i][0] for label in peers) for i in range(len(runs["tkeras"]))]


def start_load(n):
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=list(WORKLOADS), choices=WORKLOADS)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each framework per workload, in alternating order")
    parser.add_argument("--load", type=int, default=0, help="busy-loop processes running beside each measurement")
    parser.add_argument("--json", help="write the rows here too")
    args = parser.parse_args()
    labels = frameworks()
    busy = start_load(args.load)
    rows = []
    try:
        for workload in args.only:
            row = measure(workload, labels, args.rounds)
            row["load"] = args.load
            rows.append(row)
            print(format_row(row, labels), flush=True)
    finally:
        for process in busy:
            process.kill()
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)


def format_row(row, labels):
    peers = [label for label in labels if label != "tkeras" and f"{label}_epoch_s" in row]
    text = f"{row['workload']:<16}"
    for label in labels:
        if f"{label}_epoch_s" in row:
            text += f" {label} {row[f'{label}_epoch_s']:7.3f}s/{row[f'{label}_predict_per_s']:9.0f}/s"
    if "tkeras_epoch_s" in row and peers:
        best = min(peers, key=lambda label: row[f"{label}_epoch_s"])
        fastest_predict = max(peers, key=lambda label: row[f"{label}_predict_per_s"])
        row["epoch_vs_best"] = row["tkeras_epoch_s"] / row[f"{best}_epoch_s"]
        row["predict_best_vs_tkeras"] = row[f"{fastest_predict}_predict_per_s"] / row["tkeras_predict_per_s"]
        text += f" | epoch {row['epoch_vs_best']:.2f}x best ({best})"
        if row.get("rounds", 1) > 1 and "epoch_vs_best_range" in row:
            low, high = row["epoch_vs_best_range"]
            text += f" [rounds {low:.2f}-{high:.2f}]"
        text += f", predict best/tkeras {row['predict_best_vs_tkeras']:.2f} ({fastest_predict})"
    return text


if __name__ == "__main__":
    main()
