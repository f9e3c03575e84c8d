"""Keras 3 code as Keras' own guides write it, run unchanged with `python -m tkeras run`.

Each script in `scripts/` follows one guide (functional API, Sequential, subclassing layers, built-in
training, customizing fit() with PyTorch, a training loop from scratch in PyTorch, writing callbacks,
mixed precision) in tkeras-authored code on small synthetic data, and prints what the guide shows;
the tests check those lines. Epochs are capped at 1 except where a callback's behaviour over epochs
is the point.
"""
import pathlib
import re

import pytest

from tests.compat.test_legacy_tutorials import number, run_script

SCRIPTS = pathlib.Path(__file__).parent / "scripts"


def run_guide(name, tmp_path, max_epochs=1):
    out = run_script(name, tmp_path, scripts=SCRIPTS, max_epochs=max_epochs)
    assert out.rstrip().endswith("GUIDE OK"), out[-2000:]
    return out


def test_functional_api(tmp_path):
    out = run_guide("functional_api.py", tmp_path)
    assert "Total params: 55,050" in out
    assert "input shape: (None, 784) dtype: float32" in out
    assert "history keys: ['accuracy', 'loss', 'val_accuracy', 'val_loss']" in out
    assert "restored predictions match: True" in out
    assert "autoencoder output: (4, 28, 28, 1)" in out  # (n, 28, 28) pixels into Input((28, 28, 1))
    assert "ensemble output: (2, 1)" in out and "ticket outputs: ['department', 'priority']" in out
    assert "custom layer rebuilt: CustomDense (None, 10)" in out


def test_sequential_model(tmp_path):
    out = run_guide("sequential_model.py", tmp_path)
    assert "weights before the first call: 0" in out and "output: (3, 4) weights after: 6" in out
    assert "after pop: 2" in out and "declared weights: [(4, 2), (2,)]" in out
    assert "feature map: (None, 9, 9, 8)" in out and "extracted: 6 (1, 10)" in out
    assert "trainable weights: 2 frozen layer unchanged: True" in out
    assert "digits predict: (2, 10)" in out


def test_making_new_layers_via_subclassing(tmp_path):
    out = run_guide("new_layers_subclassing.py", tmp_path)
    assert "linear: (2, 4) weights: 2 True" in out
    assert "running sum: [4.0, 4.0] trainable: 0 non-trainable: 1" in out
    assert "mlp: (3, 1) weights: 6 trainable: 6" in out and "early block weights: 2" in out
    assert "losses before call: 0" in out and "losses after calls: 1" in out
    assert "regularization losses: 1" in out and "trained on add_loss alone" in out
    assert "config: 64 configurable ConfigurableLinear" in out
    assert "dropout inference unchanged: True training zeroes some: True" in out
    assert "masked sum: [[2.0, 2.0]]" in out
    assert "vae losses: 1 finite: True" in out and "vae weights: 10" in out


def test_training_and_evaluation_with_built_in_methods(tmp_path):
    out = run_guide("training_and_evaluation.py", tmp_path)
    assert "history: ['loss', 'sparse_categorical_accuracy', 'val_loss', 'val_sparse_categorical_accuracy']" in out
    assert "evaluate returns: 2" in out and "true positives per epoch: 1" in out
    assert "PyDataset trained, evaluate: 2" in out and "weighted training done" in out
    assert "multi-output logs: 6" in out
    assert "saving model to mymodel_1.keras" in out and (tmp_path / "mymodel_1.keras").is_file()


def test_customizing_fit_with_pytorch(tmp_path):
    out = run_guide("custom_fit_torch.py", tmp_path, max_epochs=None)  # the loss must fall over 3 epochs
    assert "backend: torch" in out
    assert "custom step logs: ['loss', 'mae'] loss falls: True" in out
    assert "low-level logs: ['loss', 'mae']" in out and "weighted logs: ['loss', 'mae']" in out
    assert "custom evaluate: ['loss', 'mae']" in out and "gan logs: ['d_loss', 'g_loss']" in out


def test_training_loop_from_scratch_in_pytorch(tmp_path):
    out = run_guide("training_loop_torch.py", tmp_path)
    assert "torch optimizer epoch 1: loss" in out
    assert "keras optimizer iterations: 16 loss finite: True" in out  # 2 epochs of 8 batches
    assert re.search(r"epoch 1: training acc [\d.]+ validation acc [\d.]+", out)
    assert "layer losses per step: 1" in out


def test_writing_your_own_callbacks(tmp_path):
    out = run_guide("custom_callbacks.py", tmp_path, max_epochs=None)  # early stopping needs its epochs
    for begin in ("train_begin", "epoch_begin", "train_batch_begin", "test_begin", "test_batch_begin",
                  "predict_begin", "predict_batch_begin", "predict_end"):
        assert f"{begin}: []" in out
    assert "epoch_end: ['loss', 'mean_absolute_error', 'val_loss', 'val_mean_absolute_error']" in out
    assert "train_batch_end: ['loss', 'mean_absolute_error']" in out
    assert "predict_batch_end: ['outputs']" in out
    epochs_run = int(number(r"epochs run: (\d+)", out))
    assert 1 < epochs_run < 30 and f"Epoch {epochs_run}: early stopping" in out and "best kept: True" in out
    assert "Epoch 1: learning rate is 0.0500." in out and "final learning rate: 0.01" in out


def test_mixed_precision(tmp_path):
    out = run_guide("mixed_precision.py", tmp_path)
    assert "policy: mixed_float16 compute: float16 variables: float32" in out
    assert "x.dtype: float16" in out and "logits dtype: float16" in out and "outputs dtype: float32" in out
    assert "optimizer: LossScaleOptimizer" in out and "loss finite: True" in out
    assert "predictions dtype: float32 rows sum to one: True" in out and "weights stay float32: True" in out
    assert "per-layer bfloat16: bfloat16 float32 torch.bfloat16" in out


def test_serialization_and_saving(tmp_path):
    out = run_guide("serialization_and_saving.py", tmp_path)
    assert "reloaded predictions match: True" in out and "reloaded activation: shifted_relu" in out
    assert "optimizer state restored: True" in out and "resumed iterations: 8" in out
    assert "unregistered load fails: UnsafeLoadError True" in out
    assert "custom_objects load matches: True" in out and "scope load matches: True" in out
    assert "lambda safe load refused: True" in out and "lambda trusted load: [[3.0, 3.0, 3.0]]" in out
    assert "from_config layers: ['InputLayer', 'ScaledDense', 'Dense']" in out
    assert "from_json name: regressor params: 545" in out and "clone has fresh weights: True" in out
    assert "serialized layer: Dense keras.layers 5" in out and "deserialized layer: Dense" in out
    assert "serialized function: function guide>shifted_relu" in out
    assert "registered name: guide>ScaledDense" in out and "registered object: ScaledDense" in out
    for line in ("weights file restores", "get/set_weights match", "functional -> subclassed",
                 "stateless layer transfer"):
        assert f"{line}: True" in out


def test_distributed_training_with_torch(tmp_path):
    # Two CPU processes on gloo in place of one process per GPU on NCCL; the same torch calls.
    out = run_guide("distributed_training_torch.py", tmp_path, max_epochs=None)
    assert "backend: torch" in out
    for rank in (0, 1):
        for epoch in (1, 2):
            assert re.search(rf"rank {rank} epoch {epoch}: 4 batches, mean loss [\d.]+", out)
    assert "weights agree across processes: True" in out
    assert "trainable weights: 6 torch parameters: 6" in out and "restored model predicts: (4, 4)" in out


def test_transfer_learning_and_fine_tuning(tmp_path):
    out = run_guide("transfer_learning.py", tmp_path, max_epochs=None)  # the new head needs its epochs
    assert "dense weights: 2 trainable: 2 non-trainable: 0" in out
    assert "batchnorm weights: 4 trainable: 2 non-trainable: 2" in out
    assert "frozen dense trainable: 0 non-trainable: 2" in out and "frozen layer unchanged: True" in out
    assert "recursive freeze: 2 True" in out and "trainable weights with base frozen: 2" in out
    assert "head trained, base unchanged: True" in out and "batchnorm statistics unchanged: True" in out
    assert "trainable weights when fine-tuning: 7" in out and "fine-tuning moved the base: True" in out
    assert "batchnorm still in inference mode: True" in out
    assert number(r"validation accuracy: ([\d.]+)", out) > 0.9  # the frozen features carry over


def test_customizing_saving_and_serialization(tmp_path):
    out = run_guide("customizing_saving.py", tmp_path)
    assert "counter restored: 3" in out and "dense weights restored: True" in out
    assert "vocabulary from assets: ['apple', 'fig', 'pear']" in out and "lookup: [2, 0, 3]" in out
    assert "build config: {'input_size': 5}" in out and "rebuilt before any call: True [(5, 2)]" in out
    assert "loaded layer kernel: (5, 2)" in out
    assert "compiled again with: SGD 0.05 0.05" in out and "predictions match: True" in out
