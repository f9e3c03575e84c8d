"""Dataset tests run on small generated files in Keras' formats; the real-data tests use
/work/shared/data (or ../shared/data) when it exists and are skipped otherwise."""
import os
from pathlib import Path

import numpy as np
import pytest

_CANDIDATES = [Path(__file__).resolve().parents[3] / "shared" / "data", Path("/work/shared/data")]
REAL_DATA = next((p for p in _CANDIDATES if (p / "imdb.npz").is_file()), None)


def object_array(lists):
    array = np.empty(len(lists), dtype=object)
    for i, item in enumerate(lists):
        array[i] = item
    return array


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    """An isolated search path: $TKERAS_DATASETS -> tmp/data, and a fresh HOME (no ~/.keras)."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TKERAS_DATASETS", str(folder))
    return folder


@pytest.fixture
def real_data(monkeypatch):
    if REAL_DATA is None:
        pytest.skip("the real Keras dataset files (shared/data) are not present")
    monkeypatch.setenv("TKERAS_DATASETS", str(REAL_DATA))
    return REAL_DATA


@pytest.fixture
def offline(monkeypatch):
    """Any download attempt fails as it would without a network."""
    import urllib.error
    import urllib.request

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network disabled in tests")
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
