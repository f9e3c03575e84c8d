"""The main job: the Reuters LSTM tutorial (seed 001), run unchanged on tkeras with the real data.

    bash scripts/run_main.sh                 # 20 epochs, as the tutorial is written (~0.70 test accuracy)
    TKERAS_MAX_EPOCHS=2 bash scripts/run_main.sh   # a quicker run

The tutorial script is `../shared/tutorials/001_reuters_lstm.py` (Keras 1/2 idioms: `np_utils`,
`keras.preprocessing.sequence`); it runs through `python -m tkeras run`, which resolves its
`keras` imports to tkeras. The data is found through TKERAS_DATASETS (set by run_main.sh).
"""
import os
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
TUTORIAL = HERE.parents[1] / "shared" / "tutorials" / "001_reuters_lstm.py"


def main():
    if not TUTORIAL.is_file():
        sys.exit(f"main job: the tutorial script {TUTORIAL} is missing (it lives in ../shared/tutorials)")
    if not os.environ.get("TKERAS_DATASETS"):
        print("main job: TKERAS_DATASETS is not set; the Reuters loader will look in ~/.keras/datasets")
    from tkeras.compat.runner import run_script
    start = time.time()
    run_script(str(TUTORIAL))
    print(f"\n[main job] {TUTORIAL.name} finished in {time.time() - start:.0f}s")


if __name__ == "__main__":
    main()
