"""Preprocessing speed against Keras' own implementation (a benchmark, not a test).

Cases, all on the real IMDB files (shared/data, or $TKERAS_DATASETS):
  pad_sequences   the 25,000 training reviews (num_words=10000) padded/truncated to 200
  tokenizer       Tokenizer().fit_on_texts + texts_to_sequences over the 25,000 raw reviews
  imdb.load_data  num_words=10000

The reference is Keras 2's code: `tf_keras` (or `keras_preprocessing` for the text/sequence cases).
It is run in this process if importable; otherwise, if $TKERAS_BENCH_REFERENCE_PYTHON names a Python
that has it (e.g. a scratch venv: `python3 -m venv /tmp/tfk && /tmp/tfk/bin/pip install tf-keras`),
this script re-runs itself there with --reference. Each side reports the best of --repeat runs and a
digest of its output, so the table also shows whether both produced the same result.

    .venv/bin/python bench/bench_preprocessing.py [--repeat 3]
"""
import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = [ROOT.parent / "shared" / "data", Path("/work/shared/data")]


def data_folder():
    for folder in os.environ.get("TKERAS_DATASETS", "").split(os.pathsep) + [str(p) for p in CANDIDATES]:
        if folder and (Path(folder) / "imdb.npz").is_file() and (Path(folder) / "imdb_train.jsonl.gz").is_file():
            return Path(folder)
    sys.exit("bench_preprocessing: needs imdb.npz and imdb_train.jsonl.gz (shared/data or $TKERAS_DATASETS)")


def best_of(repeat, function):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def digest(value):
    return hashlib.sha256(json.dumps(value, default=lambda v: v.tolist()).encode()).hexdigest()[:12]


def read_reviews(folder):
    with gzip.open(folder / "imdb_train.jsonl.gz", "rt", encoding="utf-8") as stream:
        return [json.loads(line)["text"] for line in stream]


def implementations(reference):
    """(Tokenizer, pad_sequences, imdb_load_data or None) of tkeras or of the reference."""
    if not reference:
        sys.path.insert(0, str(ROOT))
        from tkeras.datasets import imdb
        from tkeras.preprocessing.sequence import pad_sequences
        from tkeras.preprocessing.text import Tokenizer
        return "tkeras", Tokenizer, pad_sequences, imdb.load_data
    folder = data_folder()
    try:
        from tf_keras.preprocessing.sequence import pad_sequences
        from tf_keras.preprocessing.text import Tokenizer
        from tf_keras.src.datasets import imdb
        imdb.get_file = lambda fname=None, origin=None, **kwargs: str(folder / fname)  # read the local copy
        return "tf_keras", Tokenizer, pad_sequences, imdb.load_data
    except ImportError:
        from keras_preprocessing.sequence import pad_sequences
        from keras_preprocessing.text import Tokenizer
        return "keras_preprocessing", Tokenizer, pad_sequences, None


def run_cases(reference, repeat):
    folder = data_folder()
    os.environ["TKERAS_DATASETS"] = str(folder)
    name, Tokenizer, pad_sequences, load_data = implementations(reference)
    results = {"implementation": name}
    if load_data is None:  # keras_preprocessing has no datasets: use tkeras' (identical) output
        sys.path.insert(0, str(ROOT))
        from tkeras.datasets.imdb import load_data as tkeras_load
        (x_train, _), _ = tkeras_load(num_words=10000)
    else:
        seconds, ((x_train, y_train), _) = best_of(repeat, lambda: load_data(num_words=10000))
        results["imdb.load_data"] = (seconds, digest([list(map(int, x_train[0])), y_train[:100]]))
    sequences = list(x_train)
    seconds, padded = best_of(repeat, lambda: pad_sequences(sequences, maxlen=200))
    results["pad_sequences"] = (seconds, digest(padded))
    reviews = read_reviews(folder)

    def tokenize():
        tokenizer = Tokenizer()
        tokenizer.fit_on_texts(reviews)
        return tokenizer, tokenizer.texts_to_sequences(reviews)
    seconds, (tokenizer, converted) = best_of(repeat, tokenize)
    results["tokenizer fit+convert"] = (seconds, digest([list(tokenizer.word_index.items())[:5000], converted[:200]]))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference:
        print(json.dumps(run_cases(True, args.repeat)))
        return
    ours = run_cases(False, args.repeat)
    theirs = reference_results(args.repeat)
    print(f"{'case':<24}{'tkeras s':>10}{'reference s':>13}{'ratio':>8}  same result")
    for case in ("pad_sequences", "tokenizer fit+convert", "imdb.load_data"):
        seconds, ours_digest = ours[case]
        if theirs and case in theirs:
            ref_seconds, ref_digest = theirs[case]
            print(f"{case:<24}{seconds:>10.3f}{ref_seconds:>13.3f}{seconds / ref_seconds:>7.2f}x  "
                  f"{'yes' if ref_digest == ours_digest else 'NO'}")
        else:
            print(f"{case:<24}{seconds:>10.3f}{'-':>13}{'-':>8}")
    print(f"reference: {theirs['implementation'] if theirs else 'not available'}; ratio = tkeras / reference "
          f"(below 1 is faster); best of {args.repeat}")


def reference_results(repeat):
    try:
        return run_cases(True, repeat)
    except ImportError:
        pass
    python = os.environ.get("TKERAS_BENCH_REFERENCE_PYTHON")
    if not python:
        return None
    completed = subprocess.run([python, __file__, "--reference", "--repeat", str(repeat)],
                               capture_output=True, text=True)
    if completed.returncode != 0:
        print(f"reference run failed:\n{completed.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(completed.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
