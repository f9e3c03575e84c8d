"""A matplotlib backend for `tkeras run` without a display: `plt.show()` saves the figures as PNG files.

Selected through `MPLBACKEND=module://tkeras.compat.figures_backend`, matplotlib's own extension point,
so nothing in matplotlib is patched and the script may import pyplot whenever it likes. Drawing is Agg's;
`show()` writes every open figure to `figure_N.png` (N counts on across the run) in
`$TKERAS_FIGURES_DIR` (the runner's `--figures DIR`, default the working directory), says so, and closes
them, as a blocking `show()` returns once its windows are closed.
"""
import os

from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

FigureCanvas = FigureCanvasAgg
FigureManager = FigureManagerBase

_saved = 0


def show(*args, block=None, **kwargs):
    global _saved
    from matplotlib import pyplot as plt
    folder = os.environ.get("TKERAS_FIGURES_DIR") or "."
    os.makedirs(folder, exist_ok=True)
    for number in plt.get_fignums():
        _saved += 1
        path = os.path.join(folder, f"figure_{_saved}.png")
        plt.figure(number).savefig(path)
        print(f"[tkeras] plt.show(): figure saved to {path}", flush=True)
    plt.close("all")
