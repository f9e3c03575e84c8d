"""tf-keras 2's `K.function(inputs, outputs)`: the graph between symbolic tensors as a callable on
arrays, the idiom for intermediate outputs:

    get_hidden = K.function([model.input, K.learning_phase()], [model.layers[3].output])
    hidden = get_hidden([x, 0])[0]          # a NumPy array

tkeras runs it eagerly: the graph becomes a functional model once, and each call runs that model;
`updates` (symbolic assignments, an optimizer's `get_updates` on a symbolic loss) are computed with
the outputs and applied after them (`GraphUpdate`).
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


class GraphUpdate:
    """An update `K.function(..., updates=[...])` applies after each run, Keras 2's deferred assignment:
    its symbolic `tensors` (a new value, or the gradients an optimizer's `get_updates` asked for) are
    computed with the function's outputs, then handed to `apply` as tensors. The outputs are the values
    from before the update, as in a TensorFlow 1 graph."""

    def __init__(self, tensors, apply):
        self.tensors, self.apply = list(tensors), apply


def assignment(variable, value, how="assign"):
    """`K.update(x, new_x)` & co. when the value is symbolic: the GraphUpdate that assigns it."""
    return GraphUpdate([value], lambda values: getattr(variable, how)(values[0].detach().to(variable.dtype)))


def _graph_updates(updates):
    """Keras 2's `updates` list -> GraphUpdates. Entries are GraphUpdates (`K.update` on symbolic values,
    `optimizer.get_updates` on a symbolic loss), `(variable, new_value)` pairs (TensorFlow 1), or
    variables an eager update already changed (returned by `K.update_add(v, 1)`), which need nothing."""
    result = []
    for entry in updates or []:
        if isinstance(entry, GraphUpdate):
            result.append(entry)
        elif isinstance(entry, (list, tuple)) and len(entry) == 2 and hasattr(entry[0], "assign"):
            variable, value = entry
            if isinstance(value, KerasTensor):
                result.append(assignment(variable, value))
            else:
                variable.assign(value)
        elif not hasattr(entry, "assign"):
            raise TypeError(f"K.function: each entry of `updates` must be an update (K.update(...), "
                            f"optimizer.get_updates(...)) or a (variable, new_value) pair, received "
                            f"{type(entry).__name__}")
    return result


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """A callable taking the list of input values (one per entry of `inputs`) and returning the list of
    outputs as NumPy arrays; `updates` (Keras 2's deferred assignments and optimizer steps) are applied
    after each call."""
    if not _GRAPH_MAKER:
        raise RuntimeError("K.function: tkeras' models are not loaded: import tkeras first")
    deferred = _graph_updates(updates)
    inputs = _flat_symbolic(inputs)
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
    returned = len(outputs)
    outputs = outputs + [tensor for update in deferred for tensor in update.tensors]
    model = _GRAPH_MAKER[0]([inputs[i] for i in tensors], outputs)
    differentiates = graph_gradients.takes_input_gradients(model)

    def run(values):
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        if len(values) != len(inputs):
            values = _flat_values(values)
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
        start = returned
        for update in deferred:
            update.apply(list(results[start:start + len(update.tensors)]))
            start += len(update.tensors)
        results = results[:returned]
        return [_fetched(result) for result in results]

    return run


def _flat_symbolic(inputs):
    """The inputs with nested lists of symbolic tensors spread out. tf-keras 2 gives a one-input
    `Model([x], y)` (and an application built on `input_tensor=`) a bare tensor for `model.input`, where
    Keras 3 gives `[x]`; `K.function([model.input], ...)` is written for the former."""
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    flat = []
    for entry in inputs:
        if isinstance(entry, (list, tuple)) and entry and all(isinstance(t, KerasTensor) for t in entry):
            flat.extend(entry)
        else:
            flat.append(entry)
    return flat


def _flat_values(values):
    """Values fed as `[[a, b]]` for a nested `[model.input]` of two inputs, spread like the inputs."""
    flat = []
    for value in values:
        if isinstance(value, (list, tuple)) and value and all(hasattr(v, "shape") for v in value):
            flat.extend(value)
        else:
            flat.append(value)
    return flat


def _fetched(result):
    """An output as Keras 2's session run gives it: an array, or a NumPy scalar (`np.float32`) for a
    0-d output such as a mean loss, so `float(loss)`, `'%.3f' % loss` and `type(loss)` match."""
    array = np.asarray(result.detach().cpu().numpy() if hasattr(result, "detach") else result)
    return array[()] if array.ndim == 0 else array


def _differentiable(value):
    """A float input as a tensor that records gradients (K.gradients with respect to a model input).
    Made contiguous first: `preprocess_input` flips RGB to BGR with a negative-stride view, which torch
    cannot wrap."""
    tensor = value if isinstance(value, torch.Tensor) else torch.as_tensor(np.ascontiguousarray(value))
    if not tensor.is_floating_point():
        return value
    return tensor.detach().clone().requires_grad_(True)
