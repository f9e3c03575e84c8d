"""tkeras: the Keras API (Keras 1, 2 and 3 idioms) on a PyTorch engine.

`import tkeras as keras` gives what Keras users expect: keras.layers, keras.models, keras.Sequential,
keras.optimizers, keras.losses, keras.metrics, keras.callbacks, keras.utils, keras.backend. The
NumPy-only parts (datasets, preprocessing) and optional ones load on first use.
"""
import gc as _gc
from tkeras._lazy_exports import lazy_exports
from tkeras._missing_names import MissingAttributeError

__version__ = "0.1.0"

# The cyclic garbage collector is paused while the package loads: its ~200 modules make only long-lived
# objects (classes, functions), and the two full collections they used to trigger scanned all of torch's
# objects as well (~25 ms each) to free a few dozen.
_collecting = _gc.isenabled()
_gc.disable()
try:
    from tkeras import activations, backend, callbacks, constraints, initializers, layers, models, regularizers
    from tkeras import losses, metrics, optimizers, utils
    from tkeras.layers import Input, Layer
    from tkeras.models import Model, Sequential
    from tkeras.models import functional_ops as _functional_ops  # noqa: F401 - registers the op recorder
    from tkeras.saving.serialization import register_keras_serializable
finally:
    if _collecting:
        _gc.enable()

# Loaded on first access: public name -> (module, attribute or None for the module itself). The
# NumPy-only and optional packages, and Keras 3 top-level names that live elsewhere here.
_LAZY = {name: (f"tkeras.{name}", None) for name in (
    "datasets", "preprocessing", "saving", "compat", "ops", "distribute", "mixed_precision", "export", "tree",
    "applications", "experimental", "distillation")}
_LAZY.update({
    "distribution": ("tkeras.distribute", None),
    "random": ("tkeras.ops.random", None),
    "config": ("tkeras.config", None),
    "Variable": ("tkeras.backend.variable", "Variable"),
    "KerasTensor": ("tkeras.backend.keras_tensor", "KerasTensor"),
    "Loss": ("tkeras.losses", "Loss"),
    "Metric": ("tkeras.metrics", "Metric"),
    "Optimizer": ("tkeras.optimizers", "Optimizer"),
    "Functional": ("tkeras.models.functional", "Functional"),
    "GradientTape": ("tkeras.backend.gradient_tape", "GradientTape"),
    "function": ("tkeras.ops.graph_function", "function"),
    "Initializer": ("tkeras.initializers", "Initializer"),
    "Regularizer": ("tkeras.regularizers", "Regularizer"),
    "dtype_policies": ("tkeras.dtype_policies", None),
    "DTypePolicy": ("tkeras.dtype_policies", "DTypePolicy"),
    "FloatDTypePolicy": ("tkeras.dtype_policies", "FloatDTypePolicy"),
    "quantizers": ("tkeras.quantizers", None),
    "Quantizer": ("tkeras.quantizers", "Quantizer"),
    "InputSpec": ("tkeras.layers.input_spec", "InputSpec"),
    "name_scope": ("tkeras.backend.name_scope", "name_scope"),
    "device": ("tkeras.backend.device_scope", "device"),
    "StatelessScope": ("tkeras.backend.stateless_scope", "StatelessScope"),
    "SymbolicScope": ("tkeras.backend.stateless_scope", "SymbolicScope"),
    "RematScope": ("tkeras.backend.remat", "RematScope"),
    "remat": ("tkeras.backend.remat", "remat"),
    "Operation": ("tkeras.models.operation", "Operation"),
    "Function": ("tkeras.models.function", "Function"),
    "legacy": ("tkeras.legacy", None),
    "visualization": ("tkeras.visualization", None),
    "wrappers": ("tkeras.wrappers", None),
})


def version():
    """tkeras' release (the same string as `__version__`)."""
    return __version__


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, MissingAttributeError)
