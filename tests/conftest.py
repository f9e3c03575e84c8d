import os
import pathlib

import numpy as np
import pytest
import torch

SHARED_DATA = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with fresh auto-names and fixed seeds."""
    from tkeras.backend import clear_session
    clear_session()
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture
def shared_data():
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
