"""`python -m tkeras run SCRIPT [ARGS...]`: run a Keras/TensorFlow script unchanged on tkeras.

The script runs as `__main__` with `sys.argv` set and its folder first on `sys.path`, as with
`python SCRIPT`, with the import aliases installed for this process only. Without a display (or with
`--figures DIR`), `plt.show()` saves each figure as `figure_N.png` (see `figures_backend`). When the
script fails, the traceback starts at the script (the runner's own frames are left out), and an API
tkeras does not provide is reported as one line naming it, pointing at the script's line. A failure of a
TensorFlow idiom that torch's operators refuse is followed by a line of advice (error_hints.py).
"""
import os
import re
import runpy
import sys
import traceback

from tkeras.compat import error_hints

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_FIGURES_BACKEND = "module://tkeras.compat.figures_backend"


def _has_display():
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _route_figures(figures_dir):
    """Send plt.show() to files when asked (--figures) or when there is no screen to show them on."""
    if figures_dir is None and (_has_display() or os.environ.get("MPLBACKEND")):
        return  # a display, or a backend the user chose: leave matplotlib alone
    os.environ["MPLBACKEND"] = _FIGURES_BACKEND
    os.environ["TKERAS_FIGURES_DIR"] = os.path.abspath(figures_dir or ".")


def run_script(path, args=(), figures_dir=None):
    from tkeras.compat.import_hook import install
    if not os.path.isfile(path):
        raise SystemExit(f"tkeras run: no such script: {path}")
    install()
    _route_figures(figures_dir)
    sys.argv = [path] + list(args)
    script_dir = os.path.dirname(os.path.abspath(path))
    if sys.path[:1] != [script_dir]:
        sys.path.insert(0, script_dir)
    try:
        runpy.run_path(path, run_name="__main__")
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as error:  # noqa: BLE001 - reported like Python would, then exit status 1
        report(error, path)
        raise SystemExit(1) from None


def report(error, script):
    """Print `error` as Python would for `python script`; an unsupported API as the script's line + one line."""
    frames = traceback.extract_tb(error.__traceback__)
    script = os.path.abspath(script)
    start = next((i for i, frame in enumerate(frames) if os.path.abspath(frame.filename) == script), 0)
    frames = frames[start:]
    message = _unsupported_message(error)
    if message is not None:
        user = [frame for frame in frames if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR + os.sep)]
        lines = ["Traceback (most recent call last):\n"] + traceback.format_list(user)
        sys.stderr.write("".join(lines) + f"{type(error).__name__}: {message}\n")
        return
    sys.stderr.write("Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)) +
                     "".join(traceback.format_exception_only(type(error), error)))
    hint = error_hints.hint_for(error)
    if hint is not None:
        sys.stderr.write(f"tkeras: {hint}\n")


def _unsupported_message(error):
    text = str(error)
    if "not supported in tkeras" not in text:
        return None
    # `from keras.layers import Foo`: Python's own wording quotes the alias' __file__; say it plainly.
    found = re.match(r"cannot import name '(\w+)' from '([\w.]+)'", text)
    if isinstance(error, ImportError) and found:
        from tkeras.compat.import_hook import UnsupportedAPIError
        module = sys.modules.get(found.group(2))
        return str(UnsupportedAPIError(f"{found.group(2)}.{found.group(1)}", dir(module) if module else ()))
    return text
