"""`python -m tkeras run SCRIPT [ARGS...]`: run a Keras/TensorFlow script unchanged on tkeras.

The script runs as `__main__` with `sys.argv` set, with the import aliases installed for this process
only. Without a display, `plt.show()` saves each open figure as `figure_N.png` (in `--figures DIR`,
default the working directory) and says so, instead of doing nothing.
"""
import os
import runpy
import sys


def _patch_matplotlib_show(figures_dir):
    try:
        import matplotlib
    except ImportError:
        return
    if os.environ.get("DISPLAY") or os.environ.get("MPLBACKEND"):
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    counter = {"n": 0}

    def show(*args, **kwargs):
        os.makedirs(figures_dir, exist_ok=True)
        for number in plt.get_fignums():
            counter["n"] += 1
            path = os.path.join(figures_dir, f"figure_{counter['n']}.png")
            plt.figure(number).savefig(path)
            print(f"[tkeras] no display: figure saved to {path}")
        plt.close("all")

    plt.show = show


def run_script(path, args=(), figures_dir="."):
    from tkeras.compat.import_hook import install
    if not os.path.isfile(path):
        raise SystemExit(f"tkeras run: no such script: {path}")
    install()
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    if "matplotlib" in source:
        _patch_matplotlib_show(figures_dir)
    sys.argv = [path] + list(args)
    script_dir = os.path.dirname(os.path.abspath(path))
    if script_dir not in sys.path:
        sys.path.insert(0, script_dir)
    runpy.run_path(path, run_name="__main__")
