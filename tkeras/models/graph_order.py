"""The two orders a functional graph is walked in: nodes after the nodes they depend on (the plan a
model runs, a clone's rebuild), and `model.layers` in Keras 3's order (which fixes weight paths and
`get_weights()` order)."""
from tkeras.layers.core.input_layer import InputLayer


def nodes_in_order(input_tensors, output_tensors):
    """The nodes between inputs and outputs, each after the nodes it depends on (iterative DFS)."""
    input_ids = {id(t) for t in input_tensors}
    order, done, on_path = [], set(), set()
    for output in output_tensors:
        if id(output) in input_ids:
            continue
        stack = [(output.node, False)]
        while stack:
            node, expanded = stack.pop()
            if id(node) in done:
                continue
            if expanded:
                on_path.discard(id(node))
                done.add(id(node))
                order.append(node)
                continue
            on_path.add(id(node))
            stack.append((node, True))
            for tensor in reversed(node.input_tensors):  # reversed: the first input is visited first
                if id(tensor) in input_ids:
                    continue
                parent = tensor.node
                if isinstance(parent.layer, InputLayer):
                    raise ValueError(
                        f"Graph disconnected: cannot obtain value for tensor {tensor.name!r} (from Input "
                        f"{parent.layer.name!r}) at layer {node.layer.name!r}: that Input is not among the "
                        f"model's inputs {[t.name for t in input_tensors]}. Add it to Model(inputs=[...]).")
                if id(parent) not in done:
                    stack.append((parent, False))
    return order


def keras_layer_order(output_tensors):
    """`model.layers` in Keras 3's order, which fixes weight paths in files (`dense`, `dense_1`, ...) and
    the order of `get_weights()`: layers farthest from the outputs first, ties by first sight in a
    depth-first walk back from the outputs (each node's inputs in order).

    A node's depth is the longest path from it to an output; a layer's is the deepest of its nodes.
    Keras' `map_graph` defines the order this way, so a graph built the same way in both libraries
    lists its layers identically even when branches of different lengths hold layers of one class.
    """
    first_seen, post_order, finished = {}, [], set()
    for output in output_tensors:
        stack = [(output.node, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                finished.add(id(node))
                post_order.append(node)
                continue
            if id(node) in finished:
                continue
            first_seen.setdefault(id(node.layer), (len(first_seen), node.layer))
            stack.append((node, True))
            if not isinstance(node.layer, InputLayer):
                stack.extend((tensor.node, False) for tensor in reversed(node.input_tensors))
    node_depth, layer_depth = {}, {}
    for node in reversed(post_order):  # outputs side first: a node is seen after everything it feeds
        depth = max(node_depth.get(id(node), 0), layer_depth.get(id(node.layer), 0))
        node_depth[id(node)] = layer_depth[id(node.layer)] = depth
        if not isinstance(node.layer, InputLayer):
            for tensor in node.input_tensors:
                parent = id(tensor.node)
                node_depth[parent] = max(node_depth.get(parent, 0), depth + 1)
    ranked = sorted(first_seen.values(), key=lambda item: (-layer_depth[id(item[1])], item[0]))
    return [layer for _, layer in ranked]
