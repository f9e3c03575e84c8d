import os
import pathlib

import numpy as np
import pytest
import torch

SHARED_DATA = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"

# The tests compare against float64 NumPy references at ~1e-5; on a GPU, TF32 matrix products (on by
# default for cuDNN's recurrent kernels) differ by ~1e-4, so they run in full float32 there.
torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with fresh auto-names and fixed seeds."""
    from tkeras.backend import clear_session
    clear_session(free_memory=False)  # no gc.collect() per test
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture
def shared_data():
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
