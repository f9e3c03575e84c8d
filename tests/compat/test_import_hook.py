"""The keras/tensorflow aliases: legacy module paths resolve, unsupported names fail in one clear line."""
import subprocess
import sys
import textwrap

import pytest


def run_python(code, tmp_path):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.run([sys.executable, "-m", "tkeras", "run", str(script), "a1", "--flag"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_legacy_paths_resolve_to_tkeras_classes(tmp_path):
    result = run_python("""
        import sys
        from keras.layers.core import Dense, Dropout
        from keras.layers import Dense as D2
        from keras.models import Sequential
        from keras import backend as K
        from tensorflow.keras.layers import Dense as D3
        import tkeras
        assert Dense is D2 is D3 is tkeras.layers.Dense
        assert Sequential is tkeras.Sequential
        print(K.image_dim_ordering(), K.image_data_format(), sys.argv[1:], __name__)
    """, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "tf channels_last ['a1', '--flag'] __main__"


def test_unsupported_api_is_one_clear_line(tmp_path):
    result = run_python("from keras.layers import NoSuchLayer\n", tmp_path)
    assert result.returncode != 0
    assert "cannot import name 'NoSuchLayer' from 'keras.layers' (not supported in tkeras" in result.stderr
    result = run_python("import keras\nkeras.layers.NoSuchLayer\n", tmp_path)
    assert "keras.layers.NoSuchLayer is not supported in tkeras" in result.stderr
    result = run_python("import keras.wrappers.scikit_learn\n", tmp_path)
    assert "keras.wrappers is not supported in tkeras" in result.stderr


def test_install_and_uninstall_in_process():
    from tkeras import compat
    compat.install()
    try:
        import keras  # noqa: F401
        from keras.layers import Dense
        import tkeras
        assert Dense is tkeras.layers.Dense
    finally:
        compat.uninstall()
    assert "keras" not in sys.modules or not type(sys.modules["keras"]).__name__ == "AliasModule"


def test_max_epochs_and_figures_from_a_script(tmp_path):
    code = """
        import numpy as np
        import matplotlib.pyplot as plt
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential([Dense(1, input_dim=2)])
        model.compile(loss='mse', optimizer='sgd')
        h = model.fit(np.zeros((8, 2)), np.zeros(8), nb_epoch=7, verbose=0)
        print('epochs', len(h.history['loss']))
        plt.plot([1, 2, 3])
        plt.show()
    """
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent(code))
    env = dict(__import__("os").environ, TKERAS_MAX_EPOCHS="2")
    env.pop("DISPLAY", None)
    env.pop("MPLBACKEND", None)
    result = subprocess.run([sys.executable, "-m", "tkeras", "run", "--figures", str(tmp_path / "figs"), str(script)],
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "epochs 2" in result.stdout
    assert (tmp_path / "figs" / "figure_1.png").stat().st_size > 1000
    assert "figure saved to" in result.stdout


def test_missing_script_is_a_clear_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tkeras", "run", str(tmp_path / "nope.py")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "no such script" in result.stderr
