"""tf-keras 2's `K.function(inputs, outputs)`: the graph between symbolic tensors as a callable on
arrays, the idiom for intermediate outputs:

    get_hidden = K.function([model.input, K.learning_phase()], [model.layers[3].output])
    hidden = get_hidden([x, 0])[0]          # a NumPy array

tkeras runs it eagerly: the graph becomes a functional model once, and each call runs that model.
Models live above this floor, so `models/` registers how a graph becomes a model (`register_graph_maker`)
and nothing here imports upward. A `K.learning_phase()` entry among the inputs is the training flag:
its value in the call (0 or 1) switches dropout & co.
"""
import numpy as np
import torch

from tkeras.backend import graph_gradients
from tkeras.backend.keras_tensor import KerasTensor

_GRAPH_MAKER = []


def register_graph_maker(make_graph):
    """Called once by models/: `make_graph(inputs, outputs)` -> a callable model over that graph."""
    _GRAPH_MAKER[:] = [make_graph]


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """A callable taking the list of input values (one per entry of `inputs`) and returning the list of
    outputs as NumPy arrays. `updates` (TensorFlow 1 graph assignments) are not supported."""
    if updates:
        raise NotImplementedError("K.function(..., updates=...) (TensorFlow 1 graph updates, Keras 2) is not "
                                  "supported in tkeras: train with model.fit or a tf.GradientTape loop")
    if not _GRAPH_MAKER:
        raise RuntimeError("K.function: tkeras' models are not loaded: import tkeras first")
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    tensors = [i for i, value in enumerate(inputs) if isinstance(value, KerasTensor)]
    flags = [i for i, value in enumerate(inputs) if not isinstance(value, KerasTensor)]
    if not tensors:
        raise ValueError("K.function: inputs must include the symbolic inputs of a model (model.input, "
                         f"layer.input or K.placeholder(...)), received {inputs!r}")
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    strays = [type(value).__name__ for value in outputs if not isinstance(value, KerasTensor)]
    if strays:
        raise ValueError(f"K.function: outputs must be symbolic tensors (layer.output, model.output), received "
                         f"{strays[0]}")
    model = _GRAPH_MAKER[0]([inputs[i] for i in tensors], outputs)
    differentiates = graph_gradients.takes_input_gradients(model)

    def run(values):
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        if len(values) != len(inputs):
            raise ValueError(f"This K.function takes {len(inputs)} input value(s) (one per entry of its inputs), "
                             f"received {len(values)}")
        training = any(bool(values[i]) for i in flags)
        feeds = [values[i] for i in tensors]
        if differentiates:  # K.gradients ops in the graph: the forward must record what they differentiate
            with torch.enable_grad():
                results = model([_differentiable(value) for value in feeds], training=training)
        else:
            results = model(feeds, training=training)
        results = results if isinstance(results, (list, tuple)) else [results]
        return [np.asarray(result.detach().cpu().numpy() if hasattr(result, "detach") else result)
                for result in results]

    return run


def _differentiable(value):
    """A float input as a tensor that records gradients (K.gradients with respect to a model input)."""
    tensor = value if isinstance(value, torch.Tensor) else torch.as_tensor(np.asarray(value))
    if not tensor.is_floating_point():
        return value
    return tensor.detach().clone().requires_grad_(True)
