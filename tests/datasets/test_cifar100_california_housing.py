"""cifar100 and california_housing on small generated files in Keras' layouts (no network)."""
import pickle
import tarfile

import numpy as np
import pytest

from tkeras.datasets import california_housing, cifar100


def _write_cifar100(folder, rng):
    folder.mkdir()
    written = {}
    for name, count in (("train", 3), ("test", 2)):
        data = rng.randint(0, 256, size=(count, 3072)).astype(np.uint8)
        fine, coarse = rng.randint(0, 100, size=count).tolist(), rng.randint(0, 20, size=count).tolist()
        written[name] = (data, fine, coarse)
        with open(folder / name, "wb") as stream:
            pickle.dump({b"data": data, b"fine_labels": fine, b"coarse_labels": coarse, b"filenames": [b"a"] * count},
                        stream, protocol=2)
    return written


def test_cifar100_fine_and_coarse_labels_channels_last(data_home):
    written = _write_cifar100(data_home / "cifar-100-python", np.random.RandomState(2))
    (x_train, y_train), (x_test, y_test) = cifar100.load_data()
    assert x_train.shape == (3, 32, 32, 3) and x_test.shape == (2, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (3, 1) and y_train[:, 0].tolist() == written["train"][1]
    # each row: 1024 red, 1024 green, 1024 blue values
    np.testing.assert_array_equal(x_test[1, :, :, 2], written["test"][0][1, 2048:].reshape(32, 32))
    (_, y_coarse), (_, y_coarse_test) = cifar100.load_data(label_mode="coarse")
    assert y_coarse[:, 0].tolist() == written["train"][2] and y_coarse_test[:, 0].tolist() == written["test"][2]
    with pytest.raises(ValueError, match='`label_mode` must be one of "fine", "coarse", received \'medium\''):
        cifar100.load_data(label_mode="medium")


def test_cifar100_unpacks_a_local_archive_in_cache_dir(tmp_path, data_home, offline):
    source = tmp_path / "src"
    source.mkdir()
    written = _write_cifar100(source / "cifar-100-python", np.random.RandomState(3))
    cache = tmp_path / "cache"
    (cache / "datasets").mkdir(parents=True)
    with tarfile.open(data_home / "cifar-100-python.tar.gz", "w:gz") as archive:
        archive.add(source / "cifar-100-python", arcname="cifar-100-python")
    (x_train, y_train), _ = cifar100.load_data(cache_dir=str(cache))
    assert y_train[:, 0].tolist() == written["train"][1] and x_train.shape == (3, 32, 32, 3)


def test_california_housing_split_and_small_version(data_home):
    x = np.arange(700 * 8, dtype=np.float32).reshape(700, 8)
    y = np.arange(700, dtype=np.float32) * 1000
    np.savez(data_home / "california_housing.npz", x=x, y=y)
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(test_split=0.25, seed=5)
    order = np.arange(700)
    np.random.RandomState(5).shuffle(order)
    cut = int(700 * 0.75)
    assert y_train.tolist() == (order[:cut] * 1000.0).tolist() and y_test.tolist() == (order[cut:] * 1000.0).tolist()
    np.testing.assert_array_equal(x_train[:, 0], order[:cut] * 8)
    (x_small, _), (x_small_test, _) = california_housing.load_data(version="small")
    assert len(x_small) + len(x_small_test) == 600 and len(x_small) == 480 and x_small[:, 0].max() < 600 * 8
    with pytest.raises(ValueError, match="`version` must be 'small' or 'large', received 'medium'"):
        california_housing.load_data(version="medium")


def test_california_housing_without_a_local_copy_tries_keras_url(data_home, offline):
    with pytest.raises(Exception, match="california_housing.npz"):
        california_housing.load_data()
