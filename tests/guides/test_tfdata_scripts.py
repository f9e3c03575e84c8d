"""Keras 3 example-style scripts whose data comes through tf.data with tf.image / tf.strings /
tf.random preprocessing, run unchanged with `python -m tkeras run` (one epoch each via
TKERAS_MAX_EPOCHS=1, small synthetic data). The scripts are in scripts/tfdata_*.py."""
import pathlib

from tests.compat.test_legacy_tutorials import number, run_script

SCRIPTS = pathlib.Path(__file__).parent / "scripts"


def run(name, tmp_path):
    out = run_script(name, tmp_path, scripts=SCRIPTS, max_epochs=1)
    assert "Epoch 1/" not in out and "epochs run: 1" in out  # the cap reached fit (one epoch: no header)
    return out


def test_image_classification_with_tf_image_preprocessing_and_augmentation(tmp_path):
    out = run("tfdata_image_classification.py", tmp_path)
    assert "batch: (32, 20, 20, 3) (32,) True" in out and "pixel range ok: True" in out
    assert "history keys: ['accuracy', 'loss', 'val_accuracy', 'val_loss']" in out
    assert number(r"validation accuracy: ([\d.]+)", out) > 0.6  # chance is 1/3
    assert "predicted class:" in out


def test_text_classification_with_custom_standardization_on_a_string_dataset(tmp_path):
    out = run("tfdata_text_classification.py", tmp_path)
    assert "first review:" in out and "<br />" in out
    assert "has html or punctuation tokens: False" in out
    assert number(r"vocabulary size: (\d+)", out) <= 30  # 22 words + '' and '[UNK]', no punctuation variants
    assert "vectorized batch: (32, 16)" in out
    assert number(r"end-to-end accuracy: ([\d.]+)", out) > 0.7
    assert "positive > negative: True" in out


def test_timeseries_windows_from_keras_utils_and_tf_data_window(tmp_path):
    out = run("tfdata_timeseries_window.py", tmp_path)
    assert "input shape: (64, 24, 2) target shape: (64,)" in out
    assert "manual window matches: True True" in out
    assert "manual batches: 3" in out  # 200 - (24 + 3) + 1 = 174 windows in batches of 64
    assert "predictions: (351, 1)" in out
    assert number(r"validation mae: ([\d.]+)", out) < number(r"naive mae: ([\d.]+)", out) * 1.5


def test_mixup_of_zipped_datasets_with_stateless_augmentation(tmp_path):
    out = run("tfdata_mixup_stateless_augmentation.py", tmp_path)
    assert "mixed batch: (32, 16, 16, 1) (32, 4)" in out
    assert "labels sum to one: True" in out and "same seed, same crop: True" in out
    assert number(r"validation accuracy: ([\d.]+)", out) > 0.5  # chance is 1/4


def test_structured_data_from_a_dataset_of_column_dicts(tmp_path):
    out = run("tfdata_structured_data.py", tmp_path)
    assert "columns: ['age', 'chol', 'cp', 'thal']" in out and "age dtype float32: True" in out
    assert "encoded width: 11" in out  # 1 + 1 + (3 + 1 OOV) + (4 + 1 OOV)
    assert number(r"validation accuracy: ([\d.]+)", out) > 0.7
    assert "high-risk sample probability above one half: True" in out
