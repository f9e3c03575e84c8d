"""`keras.utils.get_source_inputs`: the Input tensors a symbolic tensor is computed from.

Useful to build a Model from an intermediate tensor without keeping the Input objects around:
`keras.Model(get_source_inputs(x), x)`. The walk goes back through the recorded layer calls to the
calls that have no inputs of their own (the `Input` layers); each source appears once, in the order
first reached (a node's inputs in order, depth first), as Keras lists them.
"""
from tkeras.backend.keras_tensor import KerasTensor


def get_source_inputs(tensor, layer=None, node_index=None):
    """The list of Input KerasTensors `tensor` depends on; a value that is not symbolic comes back as it is.

    `layer`/`node_index` (tf-keras 2) name the call to start from instead of the one that made `tensor`.
    """
    if not isinstance(tensor, KerasTensor) or tensor._keras_history is None:
        return tensor if not isinstance(tensor, KerasTensor) else [tensor]
    sources, visited = [], set()
    start = layer._inbound_nodes[node_index or 0] if layer is not None else tensor.node
    stack = [start]
    while stack:
        node = stack.pop()
        if not node.input_tensors:  # an Input layer's node: a source
            for output in node.output_tensors:
                if all(output is not known for known in sources):
                    sources.append(output)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.extend(t.node for t in reversed(node.input_tensors))  # reversed: the first input is walked first
    return sources
