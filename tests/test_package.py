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


def _fresh(code):
    """What `code` prints in a new interpreter (a clean sys.modules, unlike this test process)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_rarely_used_modules_wait_until_first_use():
    lazy = ("tkeras.ops.linalg", "tkeras.ops.array_ops", "tkeras.ops.conv_ops", "tkeras.optimizers.adam",
            "tkeras.optimizers.lion", "tkeras.callbacks.tensorboard", "tkeras.callbacks.early_stopping",
            "tkeras.mixed_precision.loss_scale_optimizer", "tkeras.layers.preprocessing.text_vectorization")
    assert _fresh(f"import sys, tkeras; print([m for m in {lazy!r} if m in sys.modules])") == "[]"
    # ... and each is there when asked for, under its usual name.
    found = _fresh("import tkeras as k; print(k.ops.svd.__module__, k.optimizers.Adam.__module__, "
                   "k.callbacks.EarlyStopping.__name__, k.mixed_precision.LossScaleOptimizer.__name__, "
                   "k.optimizers.get('lion').__class__.__name__, k.layers.TextVectorization.__name__, "
                   "k.callbacks.experimental.BackupAndRestore.__name__)")
    assert found == ("tkeras.ops.linalg tkeras.optimizers.adam EarlyStopping LossScaleOptimizer Lion "
                     "TextVectorization BackupAndRestore")


def test_star_import_and_dir_of_ops_see_every_op():
    out = _fresh("import tkeras.ops as ops; names = {}; exec('from tkeras.ops import *', names); "
                 "print(len(ops.__all__), sum(n in names for n in ops.__all__), set(ops.__all__) <= set(dir(ops)))")
    count, imported, listed = out.split()
    assert int(count) > 300 and imported == count and listed == "True"


def test_ops_fft_stays_the_function_after_its_module_is_imported():
    # `tkeras/ops/fft.py` shares the function's name: importing the module must not replace `ops.fft`.
    out = _fresh("import tkeras.ops.fft, tkeras.ops.rearrange; from tkeras import ops; "
                 "print(callable(ops.fft), type(ops.fft).__name__, type(ops.rearrange).__name__)")
    assert out == "True function function"


def test_a_keras_file_naming_ops_loads_before_they_were_looked_up():
    # A fresh process has not read `ops.add` or `ops.sum` yet (nor imported every op module): the loader
    # must find the ops a file names all the same.
    import os
    path = os.path.join(os.path.dirname(__file__), "fixtures", "k3_op_nodes.keras")
    out = _fresh(f"import sys, tkeras; before = [n for n in ('add', 'multiply', 'sum') if n in vars(tkeras.ops)]; "
                 f"m = tkeras.saving.load_model({path!r}); print(before, len(m.operations) > 3)")
    assert out == "[] True"
