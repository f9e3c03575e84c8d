"""Keras 2 `K.*` names that belong to TensorFlow 1 sessions, as old scripts call them.

The GPU-memory snippet of 2018-2019 tutorials (`config.gpu_options.allow_growth = True;
K.set_session(tf.Session(config=config))`) has nothing to do on torch, whose caching allocator grows
on demand: `set_session` accepts the session and does nothing. Running graphs in a session is not
supported (`tf.Session.run` says so); `K.function` runs eagerly (tkeras/backend/graph_function.py).
"""
import importlib

from tkeras.backend.graph_function import function  # noqa: F401 - K.function, eager


def set_session(session):
    """Accepted (see the module docstring): there is no session to install."""


def _get_available_gpus():
    """Keras 2's `K.tensorflow_backend._get_available_gpus()`: names of the GPUs torch can use."""
    import torch
    return [f"/device:GPU:{i}" for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else []


def __getattr__(name):
    if name == "tf":  # Keras 2 tensorflow_backend exposed the TensorFlow module as `K.tf`
        return importlib.import_module("tkeras.compat.tf_namespace")
    raise AttributeError(name)
