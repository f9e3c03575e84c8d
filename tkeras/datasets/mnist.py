"""MNIST handwritten digits: 60,000 training and 10,000 test 28x28 uint8 images, labels 0-9."""
from tkeras.datasets._locate import dataset_file
from tkeras.datasets._npz import load_npz

_NPZ_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """`(x_train, y_train), (x_test, y_test)`: uint8 images (n, 28, 28) and uint8 labels (n,)."""
    arrays = load_npz(dataset_file(path, "mnist.npz", _NPZ_SHA256), ("x_train", "y_train", "x_test", "y_test"))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
