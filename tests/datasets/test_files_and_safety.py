"""Where dataset files are found, what happens when they are missing or damaged, and that no
pickle can do more than build NumPy arrays."""
import os
import pickle

import numpy as np
import pytest

from tests.datasets.conftest import object_array
from tkeras.datasets import imdb, mnist
from tkeras.datasets._npz import DatasetFileError, load_npz, restricted_unpickle
from tkeras.utils import file_utils


def write_mnist(folder, value):
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / "mnist.npz", x_train=np.full((2, 28, 28), value, np.uint8), y_train=np.array([value, 1], np.uint8),
             x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.array([9], np.uint8))


def test_search_order_env_folders_then_tkeras_then_keras_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    first, second = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TKERAS_DATASETS", os.pathsep.join([str(first), str(second)]))
    write_mnist(home / ".keras" / "datasets", 4)
    assert mnist.load_data()[0][1][0] == 4
    write_mnist(home / ".tkeras" / "datasets", 3)
    assert mnist.load_data()[0][1][0] == 3
    write_mnist(second, 2)
    assert mnist.load_data()[0][1][0] == 2
    write_mnist(first, 1)
    assert mnist.load_data()[0][1][0] == 1
    assert file_utils.search_folders("datasets/fashion-mnist")[:2] == [
        str(first / "fashion-mnist"), str(second / "fashion-mnist")]


def test_missing_file_offline_says_which_file_goes_where(data_home, offline):
    with pytest.raises(FileNotFoundError) as caught:
        imdb.load_data()
    message = str(caught.value)
    assert "'imdb.npz'" in message and str(data_home) in message and "TKERAS_DATASETS" in message
    assert "storage.googleapis.com" in message


def test_download_checks_the_hash_before_the_file_lands(tmp_path, monkeypatch):
    import io
    import urllib.request
    payload = b"not the real file"
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout=None: io.BytesIO(payload))
    target = tmp_path / "cache" / "thing.bin"
    with pytest.raises(OSError, match="sha256"):
        file_utils.download("https://example.invalid/thing.bin", str(target), file_hash="0" * 64)
    assert not target.exists() and os.listdir(target.parent) == []
    import hashlib
    file_utils.download("https://example.invalid/thing.bin", str(target), file_hash=hashlib.sha256(payload).hexdigest())
    assert target.read_bytes() == payload


def test_get_file_extracts_a_local_archive(tmp_path, monkeypatch):
    import tarfile
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    source = tmp_path / "src" / "bundle"
    source.mkdir(parents=True)
    (source / "inside.txt").write_text("hello")
    archive = tmp_path / "bundle.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source, arcname="bundle")
    folder = file_utils.get_file(str(archive), extract=True)
    assert open(os.path.join(folder, "inside.txt")).read() == "hello"


def test_truncated_npz_names_the_file(data_home):
    np.savez(data_home / "imdb.npz", x_train=object_array([[1, 2]] * 50), y_train=np.zeros(50),
             x_test=object_array([[1]]), y_test=np.zeros(1))
    data = (data_home / "imdb.npz").read_bytes()
    (data_home / "imdb.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetFileError, match=r"imdb\.npz.*corrupt or truncated"):
        imdb.load_data()


def test_garbage_file_and_missing_member(data_home):
    (data_home / "mnist.npz").write_bytes(b"\x00" * 100)
    with pytest.raises(ValueError, match=r"mnist\.npz.*corrupt"):
        mnist.load_data()
    np.savez(data_home / "mnist.npz", x_train=np.zeros(2))
    with pytest.raises(ValueError, match=r"'y_train'.*right file"):
        mnist.load_data()


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_pickled_code_is_refused(tmp_path):
    hostile = np.empty(1, dtype=object)
    hostile[0] = _Evil()
    np.savez(tmp_path / "hostile.npz", x=hostile)
    with pytest.raises(DatasetFileError, match="refusing to load"):
        load_npz(str(tmp_path / "hostile.npz"), ["x"])
    import io
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        restricted_unpickle(io.BytesIO(pickle.dumps(_Evil())))


def test_plain_arrays_and_lists_still_load(tmp_path):
    np.savez(tmp_path / "ok.npz", x=object_array([[1, 2], [3]]), y=np.arange(6, dtype=np.float32).reshape(2, 3))
    arrays = load_npz(str(tmp_path / "ok.npz"), ["x", "y"])
    assert list(arrays["x"]) == [[1, 2], [3]]
    np.testing.assert_array_equal(arrays["y"], np.arange(6, dtype=np.float32).reshape(2, 3))
