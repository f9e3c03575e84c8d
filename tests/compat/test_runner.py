"""`python -m tkeras run SCRIPT` and the `tkeras` command: the script runs as `python SCRIPT` would."""
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest


def run(tmp_path, code, *args, runner=(sys.executable, "-m", "tkeras"), env=None, name="script.py", cwd=None):
    script = tmp_path / name
    script.write_text(textwrap.dedent(code))
    environment = dict(os.environ, OMP_NUM_THREADS="1", **(env or {}))  # tiny models: one thread is fastest
    for display in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND"):
        environment.pop(display, None)
    return subprocess.run([*runner, "run", *args, str(script)] if args and args[0] == "--figures" else
                          [*runner, "run", str(script), *args],
                          capture_output=True, text=True, cwd=cwd or tmp_path, env=environment, timeout=180)


SCRIPT_CONTEXT = """
    import os, sys
    import keras, tensorflow as tf
    import helper                                       # a module next to the script
    print("argv", sys.argv[1:])
    print("name", __name__)
    print("file", os.path.basename(__file__))
    print("path0", sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
    print("keras", type(keras).__name__, keras.layers.Dense.__module__.split(".")[0])
    print("helper", helper.VALUE)
    sys.exit(3)
"""


@pytest.mark.parametrize("command", ["module", "console_script"])
def test_script_runs_as_main_with_argv_and_its_folder_on_the_path(tmp_path, command):
    (tmp_path / "helper.py").write_text("VALUE = 42\n")
    if command == "module":
        runner = (sys.executable, "-m", "tkeras")
    else:
        tkeras_command = pathlib.Path(sys.executable).parent / "tkeras"
        if not tkeras_command.is_file():
            pytest.skip("the tkeras console script is not installed in this environment")
        runner = (str(tkeras_command),)
    result = run(tmp_path, SCRIPT_CONTEXT, "a1", "--flag", "-v", runner=runner, cwd=pathlib.Path("/"))
    assert result.returncode == 3, result.stderr  # the script's own exit status
    assert result.stdout.splitlines() == [
        "argv ['a1', '--flag', '-v']", "name __main__", "file script.py", "path0 True", "keras AliasModule tkeras",
        "helper 42"]


FIT_AND_PLOT = """
    import numpy as np
    import matplotlib.pyplot as plt
    import keras
    from keras.models import Sequential
    from keras.layers import Dense
    model = Sequential([Dense(1, input_dim=2, activation='sigmoid')])
    model.compile(loss='binary_crossentropy', optimizer='sgd', metrics=['accuracy'])
    h = model.fit(np.zeros((8, 2)), np.zeros(8), nb_epoch=7, verbose=0, validation_split=0.25)
    print('epochs', len(h.history['loss']))
    plt.plot(h.history['loss'])
    plt.show()
    keras.utils.plot_history(h)                 # loss and accuracy: two more figures
    print('open figures', len(plt.get_fignums()))
"""


def test_max_epochs_caps_fit_and_figures_go_to_files_without_a_display(tmp_path):
    result = run(tmp_path, FIT_AND_PLOT, env={"TKERAS_MAX_EPOCHS": "2"})
    assert result.returncode == 0, result.stderr
    assert "epochs 2" in result.stdout and "open figures 0" in result.stdout
    for n in (1, 2, 3):
        assert (tmp_path / f"figure_{n}.png").stat().st_size > 1000
        assert f"figure saved to {tmp_path / f'figure_{n}.png'}" in result.stdout
    assert not (tmp_path / "figure_4.png").exists()
    assert "non-interactive" not in result.stderr  # no "cannot show the figure" warning from matplotlib


def test_figures_option_chooses_the_folder(tmp_path):
    result = run(tmp_path, FIT_AND_PLOT, "--figures", str(tmp_path / "figs"))
    assert result.returncode == 0, result.stderr
    assert "epochs 7" in result.stdout  # no cap without TKERAS_MAX_EPOCHS
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == ["figure_1.png", "figure_2.png", "figure_3.png"]
    assert not (tmp_path / "figure_1.png").exists()


def test_failures_are_reported_from_the_script_and_unsupported_apis_in_one_line(tmp_path):
    result = run(tmp_path, """
        def build():
            return 1 / 0
        build()
    """)
    assert result.returncode == 1
    assert result.stderr.startswith(f'Traceback (most recent call last):\n  File "{tmp_path / "script.py"}", line 4')
    assert "runpy" not in result.stderr and "tkeras/compat/runner.py" not in result.stderr
    assert result.stderr.rstrip().endswith("ZeroDivisionError: division by zero")

    result = run(tmp_path, """
        import numpy as np
        import tensorflow as tf
        from keras.models import Sequential
        model = Sequential()
        x = tf.placeholder(tf.float32, shape=(None, 3))
    """)
    assert result.returncode == 1
    lines = result.stderr.rstrip().splitlines()
    assert lines[-1] == ("UnsupportedTensorFlowAPI: tf.placeholder is not supported in tkeras (TensorFlow 1; "
                         "removed in TensorFlow 2.0, kept only in tf.compat.v1): TF1 graph mode; "
                         "tkeras runs eagerly: pass arrays to the model or the tf.* functions directly")
    assert "line 6" in lines[1] and all("tkeras/" not in line for line in lines)  # only the script's frame

    result = run(tmp_path, "from keras.layers import Dence\n")
    assert result.stderr.rstrip().splitlines()[-1] == \
        "ImportError: keras.layers.Dence is not supported in tkeras (did you mean keras.layers.Dense?)"


def test_missing_script_is_a_clear_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tkeras", "run", str(tmp_path / "nope.py")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and result.stderr.strip() == f"tkeras run: no such script: {tmp_path / 'nope.py'}"
