"""`Model(inputs, outputs)` whose inputs include intermediate tensors, not only `keras.Input()`s.

Keras 3 accepts any KerasTensor of a graph as a model input: `Model(feature_space.get_encoded_features(),
head)` trains the head on already-encoded features. Each such tensor gets a fresh Input of its shape and
dtype (named after the tensor, with "CLONE" appended, as Keras names it), and the calls between the
inputs and the outputs are recorded again as new nodes over these Inputs. The layers upstream of the
cut stay out of the model, and its config, summary and plan see an ordinary graph that starts at Inputs.
"""
from tkeras.backend.keras_tensor import KerasTensor
from tkeras.layers.core.input_layer import Input, InputLayer
from tkeras.models.functional_call import Node
from tkeras.utils import tree


def is_graph_input(tensor):
    return isinstance(tensor._keras_history[0], InputLayer)


def cut_at_intermediate_inputs(inputs, outputs, nodes_between):
    """New `(inputs, outputs)` structures over fresh Inputs for the non-Input tensors in `inputs`.

    `nodes_between` are the nodes from `inputs` to `outputs`, each after those it reads from.
    """
    replacement = {}
    for tensor in tree.flatten(inputs):
        if id(tensor) in replacement or is_graph_input(tensor):
            continue
        replacement[id(tensor)] = Input(batch_shape=tensor.shape, dtype=tensor.dtype, sparse=tensor.sparse,
                                        name=f"{tensor.name}CLONE")

    def swap(value):
        if isinstance(value, KerasTensor):
            return replacement.get(id(value), value)
        return value

    for node in nodes_between:
        _record_again(node, swap, replacement)
    return tree.map_structure(swap, inputs), tree.map_structure(swap, outputs)


def _record_again(node, swap, replacement):
    """Record `node`'s call once more with its inputs swapped; its outputs get swapped for the new ones."""
    layer = node.layer
    args = tree.map_structure(swap, list(node.args))
    kwargs = tree.map_structure(swap, dict(node.kwargs))
    node_index = len(layer._inbound_nodes)
    counter = iter(range(len(node.output_tensors)))

    def copy(tensor):
        copied = KerasTensor(tensor.shape, dtype=tensor.dtype, name=tensor.name,
                             producer=(layer, node_index, next(counter)), sparse=tensor.sparse)
        replacement[id(tensor)] = copied
        return copied

    outputs = tree.map_structure(copy, node.outputs)
    Node(layer, tuple(args), kwargs, outputs)
