"""Where each variable lives in a Keras 3 weights file (`model.weights.h5` inside a `.keras` zip).

Keras 3 walks the model object by object: a Sequential/Functional model's `layers` list first (each
layer under `layers/<snake_case class name>`, made unique with `_1`, `_2`... within the list, so the
path does not depend on the auto-generated layer names), then the attributes that hold layers
(`forward_layer`, `cell`...), sorted by name, then the optimizer. Each object stores its own
variables, trainable first, under `<path>/vars/0`, `1`, ...

tkeras layers keep the same order and sublayer attribute names, so the walk here is generic. The one
known structural difference is allowed for: a recurrent layer that holds its weights itself rather
than in a `cell` sublayer stores them under `<path>/cell/vars`, where Keras keeps them.
"""
import re
from dataclasses import dataclass, field

# Keras classes whose weights live in a `cell` sublayer (Keras 3 and tf-keras 2 alike).
_CELL_HOLDERS = {"SimpleRNN": "simple_rnn_cell", "LSTM": "lstm_cell", "GRU": "gru_cell",
                 "ConvLSTM1D": "conv_lstm_cell", "ConvLSTM2D": "conv_lstm_cell"}


@dataclass
class Entry:
    """One saveable object: its h5 path, its own variables in Keras order, and its name."""
    path: str
    variables: list = field(default_factory=list)
    name: str = ""
    layer_name: str = ""  # the top-level layer this entry belongs to (for error messages)
    obj: object = None    # the layer or model itself (None for a synthesized `cell` entry)


def keras_snake_case(class_name):
    """Keras' own rule (`Conv1D` -> `conv1d`, `MaxPooling1D` -> `max_pooling1d`): digits do not start
    a new word. Weight paths use it, so it must match Keras exactly, whatever tkeras names layers."""
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def own_variables(layer):
    if hasattr(layer, "_own_variables_in_file_order"):  # the layer's own order (int8 Dense: kernel, bias, scale)
        return layer._own_variables_in_file_order()
    from tkeras.layers.weight_order import own_in_keras_order
    return own_in_keras_order(getattr(layer, "_own_weights", []))


def _children(layer):
    """Sublayers by attribute name, in Keras' visiting order (public names sorted, then private)."""
    from tkeras.layers.layer import Layer
    named = {}
    for key, module in layer._modules.items():
        if not isinstance(module, Layer):
            continue
        attr = key.split("__")[0] if "__" in key else key
        named.setdefault(attr, []).append(module)
    return sorted(named.items(), key=lambda item: ("~" + item[0]) if item[0].startswith("_") else item[0])


def layer_entries(layer, path, top_name, seen):
    if id(layer) in seen:
        return []
    seen.add(id(layer))
    entries = []
    own = own_variables(layer)
    if is_graph_model(layer):  # a model nested in a model keeps its own `layers/` list inside its path
        return [Entry(path, own, layer.name, top_name, layer)] + _container_entries(
            layer.operations, f"{path}/layers", top_name, seen)
    children = _children(layer)
    cell_name = _CELL_HOLDERS.get(type(layer).__name__)
    if cell_name and own and not any(attr == "cell" for attr, _ in children):
        entries.append(Entry(path, [], layer.name, top_name, layer))
        entries.append(Entry(f"{path}/cell", own, cell_name, top_name))
    else:
        entries.append(Entry(path, own, layer.name, top_name, layer))
    prefix = f"{path}/" if path else ""
    for attr, modules in children:
        if len(modules) == 1 and not any(k.startswith(attr + "__") for k in layer._modules):
            entries.extend(layer_entries(modules[0], f"{prefix}{attr}", top_name or modules[0].name, seen))
        else:
            entries.extend(_container_entries(modules, f"{prefix}{attr}", top_name, seen))
    return entries


def _container_entries(layers, path, top_name, seen):
    used, entries = {}, []
    for layer in layers:
        base = keras_snake_case(type(layer).__name__)
        if base in used:
            used[base] += 1
            key = f"{base}_{used[base]}"
        else:
            used[base] = 0
            key = base
        entries.extend(layer_entries(layer, f"{path}/{key}", layer.name, seen))
    return entries


def is_graph_model(model):
    """Sequential and functional models list their layers; Keras saves those under `layers/`."""
    return any(cls.__name__ in ("Sequential", "Functional") for cls in type(model).__mro__)


def model_entries(model):
    """Every saveable of `model` in Keras 3 order: its layers' entries, then the model's own.

    A subclassed model is walked like any layer: its sublayers sit under their attribute names.
    """
    seen = {id(model)}
    if not is_graph_model(model):
        return [Entry("", [], model.name, model.name, model)] + [
            entry for entry in layer_entries(model, "", model.name, set())[1:]]
    entries = _container_entries(model.operations, "layers", "", seen)
    entries.append(Entry("", own_variables(model), model.name, model.name, model))
    return entries


def optimizer_variables(optimizer):
    """The optimizer's state in Keras 3 order (iterations, learning rate, then per-weight slots)."""
    if optimizer is None:
        return []
    variables = getattr(optimizer, "variables", None)
    if callable(variables):
        variables = variables()
    return list(variables or [])
