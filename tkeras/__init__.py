"""tkeras: the Keras API (Keras 1, 2 and 3 idioms) on a PyTorch engine.

`import tkeras as keras` gives what Keras users expect: keras.layers, keras.models, keras.Sequential,
keras.optimizers, keras.losses, keras.metrics, keras.callbacks, keras.utils, keras.backend. The
NumPy-only parts (datasets, preprocessing) and optional ones load on first use.
"""
import importlib

__version__ = "0.1.0"

from tkeras import activations, backend, callbacks, constraints, initializers, layers, models, regularizers, utils
from tkeras import losses, metrics, optimizers
from tkeras.layers import Input, Layer
from tkeras.models import Model, Sequential
from tkeras.saving.serialization import register_keras_serializable

_LAZY_MODULES = ("datasets", "preprocessing", "saving", "compat", "ops", "distribute", "mixed_precision",
                 "export", "applications")


def __getattr__(name):
    if name in _LAZY_MODULES:
        module = importlib.import_module(f"tkeras.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'tkeras' has no attribute {name!r}")
