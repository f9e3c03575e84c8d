"""The top-level `tkeras` namespace: Keras 3 names resolve to the objects that implement them, and the
default device follows torchrun's LOCAL_RANK."""
import subprocess
import sys

import pytest
import torch

import tkeras as keras
from tkeras.backend import config


def test_keras3_top_level_names_are_the_real_objects():
    from tkeras import distribute, losses, metrics, optimizers
    from tkeras.backend.variable import Variable
    assert keras.distribution is distribute
    assert keras.Loss is losses.Loss and keras.Metric is metrics.Metric
    assert keras.Optimizer is optimizers.Optimizer and keras.Variable is Variable
    assert keras.config.floatx() == "float32"
    from tkeras.backend.gradient_tape import GradientTape
    from tkeras.ops.graph_function import function
    assert keras.GradientTape is GradientTape and keras.function is function
    assert tuple(keras.random.normal((3, 2), seed=1).shape) == (3, 2)
    with pytest.raises(AttributeError, match="module 'tkeras' has no attribute 'Dense'"):
        keras.Dense


@pytest.mark.parametrize("local_rank, expected", [("1", "cuda:1"), ("3", "cuda:1"), (None, "cuda")])
def test_default_device_is_the_process_own_gpu_under_torchrun(monkeypatch, local_rank, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.delenv("TKERAS_DEVICE", raising=False)
    if local_rank is None:
        monkeypatch.delenv("LOCAL_RANK", raising=False)
    else:
        monkeypatch.setenv("LOCAL_RANK", local_rank)
    previous = config._DEVICE
    config.set_device(None)
    try:
        assert config.device() == torch.device(expected)
    finally:
        config._DEVICE = previous


def test_import_adds_little_to_torch_and_loads_optional_parts_lazily():
    code = ("import sys, tkeras; heavy = [m for m in ('tkeras.datasets', 'tkeras.saving.keras_file', "
            "'tkeras.export', 'tkeras.distribute', 'h5py', 'matplotlib') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
