"""Keras 2's `keras.preprocessing`: text tokenization and sequence padding, in NumPy (no torch import).

The dataset builders TF 2.3-2.5 tutorials call from here (`tf.keras.preprocessing.image_dataset_from_directory`)
live in `tkeras.utils`; they are loaded on first use, since they build torch-backed Datasets.
"""
import importlib

from tkeras.preprocessing import sequence, text

__all__ = ["sequence", "text"]

_LAZY = {
    "image_dataset_from_directory": "tkeras.utils.image_dataset_utils",
    "text_dataset_from_directory": "tkeras.utils.text_dataset_utils",
    "timeseries_dataset_from_array": "tkeras.utils.timeseries_dataset_utils",
}


def __getattr__(name):
    if name == "image":  # ImageDataGenerator & co.: loaded on first use (smart_resize runs on torch)
        return importlib.import_module("tkeras.preprocessing.image")
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tkeras.preprocessing' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | {"image"})
