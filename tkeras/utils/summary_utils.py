"""`model.summary()` in Keras 2's table layout (the one the tutorials show).

A model that is not built yet is printed with unknown shapes ('?') and no parameters for the layers
that have none yet, as Keras 3 does ('0 (unbuilt)' there); Keras 2 raised instead, but its Sequential
models starting with an Embedding were always built (see `Sequential.build_for_summary`).
"""
import numpy as np


def _format_shape(shape):
    if shape is None:
        return "multiple"
    if isinstance(shape, list):
        # Several outputs (an LSTM with return_state=True) print as a bracketed list in tf-keras 2 and Keras 3.
        return "[" + ", ".join(_format_shape(s) for s in shape) + "]" if len(shape) > 1 else _format_shape(shape[0])
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (",)" if len(shape) == 1 else ")")


def _count(weights):
    return int(sum(int(np.prod(tuple(w.shape))) for w in weights))


def _row(fields, positions, line_length):
    line = ""
    for i, field in enumerate(fields):
        if i > 0:
            line = line[:-1] + " "
        line += str(field)
        line = line[:positions[i]]
        line += " " * (positions[i] - len(line))
    return line


def _connection_rows(entries, width):
    """The "Connected to" sources as the rows they are printed on.

    A list that fits its column stays on the layer's row. A longer one (a Dot or Concatenate of
    tensors with long names) is not cut off: Keras, 2 and 3 alike, prints each source on a row of
    its own under the first, so every input the layer was called on stays visible.
    """
    connected = "[" + ", ".join(entries) + "]"
    if len(connected) <= width or len(entries) < 2:
        return [connected]
    return ["[" + entries[0] + ","] + [" " + entry + ("," if i < len(entries) - 2 else "]")
                                       for i, entry in enumerate(entries[1:])]


def _layer_output_shape(model, layer):
    if hasattr(model, "layer_output_shape"):
        return model.layer_output_shape(layer)
    from tkeras.models.sequential import Sequential
    if not isinstance(model, Sequential) and not _has_declared_graph(layer):
        return None  # a subclassed model: its layers' outputs depend on call(), Keras shows "multiple"
    try:
        return layer.output_shape
    except (AttributeError, NotImplementedError, ValueError, RuntimeError):
        return None


def _has_declared_graph(layer):
    """A model nested in a subclassed model whose inputs were declared (a functional model, a Sequential
    with an Input or a first layer's `input_shape`): its graph fixes its output shape, which tf-keras 2 and
    Keras 3 print in the row. A Sequential built by its first call is left "multiple": here that call
    is the probe run (batch 1) that builds the outer model, where Keras saw the first real batch."""
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential
    if isinstance(layer, Sequential):
        return layer._input_conformer is not None
    return isinstance(layer, Functional)


def _is_single_chain(model):
    """Whether a functional model is one straight line of layer calls, which Keras prints without the
    "Connected to" column, as a Sequential model: one input, every call on a single tensor, no layer
    called twice, and no tensor feeding two calls (a fork such as two heads on one trunk)."""
    nodes = [node for layer in model.operations for node in layer._inbound_nodes if id(node) in model._node_ids]
    layers_seen, consumers, roots = set(), {}, 0
    for node in nodes:
        if len(node.input_tensors) > 1 or id(node.layer) in layers_seen:
            return False
        layers_seen.add(id(node.layer))
        if not node.input_tensors:
            roots += 1
        for tensor in node.input_tensors:
            producer = id(tensor.node)
            consumers[producer] = consumers.get(producer, 0) + 1
            if consumers[producer] > 1:
                return False
    return roots == 1


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False):
    print_fn = print_fn or print
    from tkeras.models.sequential import Sequential
    connections = getattr(model, "summary_connection_entries", None)
    sequential_like = isinstance(model, Sequential) or connections is None or _is_single_chain(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.33, 0.55, 0.67, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    if show_trainable:
        line_length += 11
        positions.append(line_length)
        headers.append("Trainable")
    if not model.built and hasattr(model, "build_for_summary"):
        model.build_for_summary()
    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    print_fn(_row(headers, positions, line_length))
    print_fn("=" * line_length)
    layers = model.operations
    for i, layer in enumerate(layers):
        if model.built:
            shape, params = _format_shape(_layer_output_shape(model, layer)), layer.count_params() if layer.built else 0
        else:  # Keras 3 prints an unbuilt model rather than refusing: shapes unknown, no weights yet
            shape, params = "?", layer.count_params() if layer.built else 0
        fields = [f"{layer.name} ({type(layer).__name__})", shape, params]
        continuation_rows = []
        if not sequential_like:
            first, *more = _connection_rows(connections(layer), positions[3] - positions[2])
            fields.append(first)
            continuation_rows = [["", "", "", piece] for piece in more]
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        print_fn(_row(fields, positions, line_length))
        for extra in continuation_rows:
            print_fn(_row(extra, positions, line_length))
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)
    if not layers:
        print_fn("=" * line_length)
    trainable = _count(model.trainable_weights)
    total = _count(model.weights)
    print_fn(f"Total params: {total:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {total - trainable:,}")
    print_fn("_" * line_length)
