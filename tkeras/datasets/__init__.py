"""`keras.datasets`: the classic small datasets, read from local copies first (see
`tkeras.utils.file_utils` for where they are looked for). NumPy only: no torch import."""
from tkeras.datasets import (
    boston_housing, california_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters,
)

__all__ = ["boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist",
           "reuters"]
