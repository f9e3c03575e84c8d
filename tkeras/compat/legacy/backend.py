"""Keras 2 `K.*` names that belong to TensorFlow 1 sessions, as old scripts call them.

The GPU-memory snippet of 2018-2019 tutorials (`config.gpu_options.allow_growth = True;
K.set_session(tf.Session(config=config))`) has nothing to do on torch, whose caching allocator grows
on demand: `set_session` accepts the session and does nothing. Running graphs in a session is not
supported (`tf.Session.run` says so).
"""
import importlib


def set_session(session):
    """Accepted (see the module docstring): there is no session to install."""


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """Keras 2's `K.function(inputs, outputs)` on symbolic tensors of a model: a callable that takes a
    list of arrays and returns the outputs as a list of NumPy arrays (the intermediate-layer idiom
    `K.function([model.layers[0].input, K.learning_phase()], [model.layers[3].output])`).

    The graph between them becomes a functional model. A `K.learning_phase()` entry among the inputs
    is the training flag: its value in the call (0 or 1) says whether dropout & co. are active.
    `updates` (TF1 graph assignments) are not supported.
    """
    import numpy as np

    from tkeras.backend.keras_tensor import KerasTensor
    from tkeras.models.model import Model
    if updates:
        raise NotImplementedError("K.function(..., updates=...) (TensorFlow 1 graph updates, Keras 2) is not "
                                  "supported in tkeras: train with model.fit or a tf.GradientTape loop")
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    tensors = [i for i, value in enumerate(inputs) if isinstance(value, KerasTensor)]
    flags = [i for i, value in enumerate(inputs) if not isinstance(value, KerasTensor)]
    if not tensors:
        raise ValueError("K.function: inputs must include the symbolic inputs of a model (model.input or "
                         f"layer.input), received {inputs!r}")
    many = isinstance(outputs, (list, tuple))
    model = Model([inputs[i] for i in tensors], list(outputs) if many else [outputs])

    def run(values):
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        if len(values) != len(inputs):
            raise ValueError(f"This K.function takes {len(inputs)} input value(s), received {len(values)}")
        training = any(bool(values[i]) for i in flags)
        results = model([values[i] for i in tensors], training=training)
        results = results if isinstance(results, (list, tuple)) else [results]
        return [np.asarray(result.detach().cpu().numpy() if hasattr(result, "detach") else result)
                for result in results]

    return run


def _get_available_gpus():
    """Keras 2's `K.tensorflow_backend._get_available_gpus()`: names of the GPUs torch can use."""
    import torch
    return [f"/device:GPU:{i}" for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else []


def __getattr__(name):
    if name == "tf":  # Keras 2 tensorflow_backend exposed the TensorFlow module as `K.tf`
        return importlib.import_module("tkeras.compat.tf_namespace")
    raise AttributeError(name)
