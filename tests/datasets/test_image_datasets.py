"""mnist / fashion_mnist / cifar10 / boston_housing on generated files in Keras' formats."""
import gzip
import pickle

import numpy as np
import pytest

from tkeras.datasets import boston_housing, cifar10, fashion_mnist, mnist


def test_mnist(data_home):
    x_train = np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28)
    np.savez(data_home / "mnist.npz", x_train=x_train, y_train=np.array([5, 0, 4], np.uint8),
             x_test=x_train[:1], y_test=np.array([7], np.uint8))
    (a, b), (c, d) = mnist.load_data()
    np.testing.assert_array_equal(a, x_train)
    assert b.tolist() == [5, 0, 4] and c.shape == (1, 28, 28) and d.tolist() == [7]


def write_idx(path, payload, header_bytes):
    with gzip.open(path, "wb") as stream:
        stream.write(b"\x00" * header_bytes + payload.tobytes())


def test_fashion_mnist_reads_idx_files(data_home):
    folder = data_home / "fashion-mnist"
    folder.mkdir()
    train = np.random.RandomState(0).randint(0, 256, size=(4, 28, 28)).astype(np.uint8)
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.array([9, 0, 0, 3], np.uint8), 8)
    write_idx(folder / "train-images-idx3-ubyte.gz", train, 16)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.array([1], np.uint8), 8)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", train[:1], 16)
    (a, b), (c, d) = fashion_mnist.load_data()
    np.testing.assert_array_equal(a, train)
    assert b.tolist() == [9, 0, 0, 3] and d.tolist() == [1] and c.shape == (1, 28, 28)
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz.*corrupt"):
        fashion_mnist.load_data()


def test_cifar10_reads_python_batches_channels_last(data_home):
    folder = data_home / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.RandomState(1)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.randint(0, 256, size=(2, 3072)).astype(np.uint8)
        labels = rng.randint(0, 10, size=2).tolist()
        batches[name] = (data, labels)
        with open(folder / name, "wb") as stream:
            pickle.dump({b"data": data, b"labels": labels, b"batch_label": b"x"}, stream, protocol=2)
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and y_train.shape == (10, 1) and x_test.shape == (2, 32, 32, 3)
    first = batches["data_batch_1"][0][0]
    # Each row is 1024 red, then 1024 green, then 1024 blue values, row-major within a channel.
    np.testing.assert_array_equal(x_train[0, :, :, 1], first[1024:2048].reshape(32, 32))
    assert y_train[:, 0].tolist() == sum((batches[f"data_batch_{i}"][1] for i in range(1, 6)), [])
    assert y_test[:, 0].tolist() == batches["test_batch"][1]


def test_boston_housing_split(data_home):
    x = np.arange(10 * 13, dtype=np.float64).reshape(10, 13)
    y = np.arange(10, dtype=np.float64)
    np.savez(data_home / "boston_housing.npz", x=x, y=y)
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(test_split=0.3)
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    assert y_train.tolist() == order[:7].tolist() and y_test.tolist() == order[7:].tolist()
    np.testing.assert_array_equal(x_train[:, 0], order[:7] * 13)
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=1.0)
