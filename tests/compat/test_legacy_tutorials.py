"""Tutorial code as Korean blogs and books wrote it in 2017-2019, run unchanged with `python -m tkeras run`.

The scripts live in `legacy_scripts/`: a Keras 1 MLP on NumPy data (nb_epoch, init=, np_utils,
predict_classes, hist.history['acc'], a loss/accuracy plot), TensorFlow 1 setup (tf.set_random_seed,
ConfigProto/Session GPU snippet, device_lib, tf.train.AdamOptimizer) with a reproducibility check, K.*
custom F1 metrics with K.image_dim_ordering(), the TF 2 quickstart (tf.data into fit, GradientTape loop),
and Keras 1's imdb_cnn_lstm example fed by a generator with samples_per_epoch.
"""
import os
import pathlib
import re
import subprocess
import sys

import pytest

SCRIPTS = pathlib.Path(__file__).parent / "legacy_scripts"
SHARED_DATA = pathlib.Path(__file__).resolve().parents[3] / "shared" / "data"


def run_script(name, tmp_path, scripts=SCRIPTS, max_epochs=None):
    """Runs `scripts/name` with `python -m tkeras run` in `tmp_path` and returns its stdout; `max_epochs`
    sets TKERAS_MAX_EPOCHS (unset otherwise, so a script's own epoch count holds)."""
    # One thread: these models are small, and on a loaded machine OpenMP threads that spin-wait for a
    # shared core make a 10 s run take minutes.
    env = dict(os.environ, TKERAS_DATASETS=str(SHARED_DATA), OMP_NUM_THREADS="1")
    for name_ in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND", "TKERAS_MAX_EPOCHS"):
        env.pop(name_, None)
    if max_epochs is not None:
        env["TKERAS_MAX_EPOCHS"] = str(max_epochs)
    result = subprocess.run([sys.executable, "-m", "tkeras", "run", str(pathlib.Path(scripts) / name)],
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 0, f"{name} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def number(pattern, text):
    return float(re.search(pattern, text).group(1))


def test_keras1_mlp_on_numpy_data(tmp_path):
    out = run_script("keras1_pima_mlp.py", tmp_path)
    assert number(r"accuracy: ([\d.]+)%", out) > 93
    assert number(r"last acc: ([\d.]+)", out) > 0.93
    classes, labels = re.search(r"classes: (\[.*\]) labels: (\[.*\])", out).groups()
    assert classes == labels
    assert number(r"val_acc: ([\d.]+)", out) > 0.7
    assert "proba rows sum to one: True" in out
    assert (tmp_path / "figure_1.png").stat().st_size > 1000


def test_tf1_seed_gpu_snippet_and_tf1_optimizer(tmp_path):
    out = run_script("tf1_seed_and_gpu_config.py", tmp_path)
    assert out.splitlines()[0] == "/device:CPU:0"
    assert "재현 가능: True" in out and "loss 감소: True" in out
    assert "dense name after clear_session: dense" in out and "K.int_shape: (5, 16)" in out


def test_backend_f1_metric_matches_numpy(tmp_path):
    out = run_script("keras2_backend_metrics.py", tmp_path)
    assert "dim ordering: tf (8, 8, 1)" in out
    assert "history keys: ['acc', 'f1_m', 'loss', 'precision_m', 'recall_m']" in out
    assert number(r"accuracy: ([\d.]+)", out) > 0.8
    keras_f1, numpy_f1 = map(float, re.search(r"f1 keras: ([\d.]+) numpy: ([\d.]+)", out).groups())
    assert keras_f1 == pytest.approx(numpy_f1, abs=1e-4) and keras_f1 < 1
    keras_p, numpy_p = map(float, re.search(r"precision keras: ([\d.]+) numpy: ([\d.]+)", out).groups())
    assert keras_p == pytest.approx(numpy_p, abs=1e-4)


def test_tf2_quickstart_with_tf_data_and_a_tape(tmp_path):
    out = run_script("tf2_data_pipeline.py", tmp_path)
    assert "Epoch 3/3" in out and "val_accuracy" in out
    assert number(r"테스트 정확도: ([\d.]+)\n", out) > 0.9
    last = out.strip().splitlines()[-1]
    assert last.startswith("에포크: 3, ") and number(r"테스트 정확도: ([\d.]+)$", last) > 90


@pytest.mark.skipif(not (SHARED_DATA / "imdb.npz").is_file(), reason="../shared/data/imdb.npz is not present")
def test_keras1_imdb_cnn_lstm_with_a_generator(tmp_path):
    out = run_script("keras1_imdb_cnn_lstm.py", tmp_path)
    assert "6000 train sequences" in out and "X_train shape: (6000, 100)" in out
    assert "Epoch 2/2" in out and "188/188" in out  # samples_per_epoch=6000 in batches of 32
    assert number(r"Test accuracy: ([\d.]+)", out) > 0.7
