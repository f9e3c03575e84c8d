"""Run the five seed tutorials in full with `python -m tkeras run`, record accuracy and time.

    .venv/bin/python bench/run_tutorials.py [--only 001] [--max-epochs N] [--update-readme]

Each script's result is parsed from what it prints (the line the tutorial itself prints), compared
with what its text states (../shared/tutorials/README.md), and with --update-readme the table in
README.md between the `tutorial-results` markers is rewritten.
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# script -> (what the text states, how to find our figure in the output)
EXPECTED = {
    "000_keras_tour.py": ("Tokenizer/pad_sequences outputs, Total params: 49; SimpleRNN IMDB ≈ 0.85",
                          r"^\[([0-9.]+), ([0-9.]+)\]$", 2),
    "001_reuters_lstm.py": ("test accuracy ≈ 0.70 after 20 epochs", r"Test Accuracy : ([0-9.]+)", 1),
    "002_imdb_cnn_bilstm.py": ("Test Accuracy: 0.8822", r"Test Accuracy: ([0-9.]+)", 1),
    "003_imdb_dense.py": ("test accuracy 84.9 % after 20 epochs", r"^\[([0-9.]+), ([0-9.]+)\]$", 2),
    "004_tf_and_keras_basics.py": ("gradient 6.0; linear classifier converges (accuracy)", r"^accuracy: ([0-9.]+)", 1),
}


def run(script, max_epochs, log_dir=None):
    env = dict(os.environ, TKERAS_DATASETS=str(SHARED / "data"))
    if max_epochs:
        env["TKERAS_MAX_EPOCHS"] = str(max_epochs)
    env.pop("DISPLAY", None)
    with tempfile.TemporaryDirectory() as work:
        start = time.time()
        result = subprocess.run([sys.executable, "-m", "tkeras", "run", str(SHARED / "tutorials" / script)],
                                capture_output=True, text=True, cwd=work, env=env)
        seconds = time.time() - start
    if log_dir:
        os.makedirs(log_dir, exist_ok=True)
        pathlib.Path(log_dir, script.replace(".py", ".log")).write_text(result.stdout + result.stderr[-5000:])
    if result.returncode != 0:
        return None, seconds, result.stderr.strip().splitlines()[-1:]
    stated, pattern, group = EXPECTED[script]
    matches = re.findall(pattern, result.stdout, flags=re.MULTILINE)
    value = None
    if matches:
        last = matches[-1]
        value = float(last[group - 1] if isinstance(last, tuple) else last)
    return value, seconds, None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=None)
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--update-readme", action="store_true")
    parser.add_argument("--log-dir", default=None, help="keep each script's output there")
    args = parser.parse_args()
    rows = []
    for script in EXPECTED:
        if args.only and not script.startswith(args.only):
            continue
        value, seconds, error = run(script, args.max_epochs, args.log_dir)
        figure = f"{value:.4f}" if value is not None else f"failed: {error}"
        rows.append(f"| `{script}` | {EXPECTED[script][0]} | {figure} | {seconds:.0f} s |")
        print(rows[-1], flush=True)
    table = "\n".join(["| script | the text states | tkeras (this run) | wall time |", "|---|---|---|---|"] + rows)
    if args.update_readme:
        readme = ROOT / "README.md"
        text = readme.read_text()
        begin, end = "<!-- tutorial-results:begin -->", "<!-- tutorial-results:end -->"
        block = f"{begin}\n{table}\n{end}"
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), block, text, flags=re.S) if begin in text \
            else text + "\n## The seed tutorials, in full\n\n" + block + "\n"
        readme.write_text(text)


if __name__ == "__main__":
    main()
