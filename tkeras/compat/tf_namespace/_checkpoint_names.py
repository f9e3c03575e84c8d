"""The names TensorFlow gives a Keras model's variables in a checkpoint: the attribute path from the
object handed to `tf.train.Checkpoint` down to the variable (`net/l1/kernel`, `net/blocks/0/bias`), with
Sequential and functional models naming their layers `layer_with_weights-<i>` (the i-th layer that has
weights), as tf-keras 2 tracks them.

A checkpoint keyed by these names can be read back by name into a different object tree, which is what
the checkpoint guide's partial restore does: `Checkpoint(net=Checkpoint(l1=Checkpoint(bias=v)))` picks
out one saved bias without building the model.
"""
from tkeras.layers.layer import Layer
from tkeras.layers.weight_order import own_in_keras_order


def _is_layer_list_model(layer):
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential
    return isinstance(layer, (Sequential, Functional))


def _named_children(layer):
    if _is_layer_list_model(layer):
        with_weights = [child for child in layer.layers if child.weights]
        return [(f"layer_with_weights-{i}", child) for i, child in enumerate(with_weights)]
    # Sublayers are kept by attribute name; a list attribute `blocks` holds `blocks__0`, `blocks__1`, ...
    return [(name.replace("__", "/"), child) for name, child in layer._modules.items()
            if isinstance(child, Layer) and not name.startswith("_")]


def _leaf(weight):
    return str(getattr(weight, "name", "") or "variable").split("/")[-1].split(":")[0]


def weight_names(layer):
    """{id(weight): attribute path below `layer`} for every weight reachable by name; a weight reachable
    twice keeps its first path, and two weights competing for one path leave the second one unnamed."""
    names, taken = {}, set()
    pending = [("", layer)]
    seen_layers = set()
    while pending:
        prefix, current = pending.pop(0)
        if id(current) in seen_layers:
            continue
        seen_layers.add(id(current))
        for weight in own_in_keras_order(current._own_weights):
            name = prefix + _leaf(weight)
            if id(weight) not in names and name not in taken:
                names[id(weight)] = name
                taken.add(name)
        pending += [(f"{prefix}{name}/", child) for name, child in _named_children(current)]
    return names
