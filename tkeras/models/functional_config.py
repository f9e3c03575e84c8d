"""A functional model's config in Keras' format, and the graph rebuilt from one.

Written as Keras 3 writes it: each layer with its `inbound_nodes` as `{"args": [...], "kwargs": {...}}`
where tensors are `{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history":
[layer, node, tensor]}}`, plus `input_layers` / `output_layers` in the structure of the model's inputs
and outputs. Read: that format, and Keras 2's (`inbound_nodes: [[["dense", 0, 0, {}], ...]]`, one list of
inbound tensors per call, several meaning "called on a list"). Node indices count only the calls that
belong to the model, as Keras numbers them.
"""
import inspect

from tkeras.backend.keras_tensor import OPERATORS, KerasTensor
from tkeras.models.keras_op_nodes import decode_constant, encode_constant, keras_form, keras_operation
from tkeras.saving.serialization import deserialize_keras_object, serialize_keras_object
from tkeras.utils import tree


def model_config(model):
    def history(tensor):
        layer, _, tensor_index = tensor._keras_history
        return [layer.name, model._node_rank(tensor.node), tensor_index]

    def encode(value):
        if isinstance(value, KerasTensor):
            return {"class_name": "__keras_tensor__", "config": {
                "shape": list(value.shape), "dtype": value.dtype, "keras_history": history(value)}}
        if isinstance(value, (list, tuple)):
            return [encode(v) for v in value]
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        return encode_constant(value)

    layers = []
    for layer in model.operations:
        nodes = [node for node in layer._inbound_nodes if id(node) in model._node_ids and node.input_tensors]
        entry = _as_keras_op(layer, nodes, encode)
        if entry is None:
            entry = serialize_keras_object(layer)
            entry["name"] = layer.name
            entry["inbound_nodes"] = [{"args": encode(list(node.args)), "kwargs": encode(dict(node.kwargs))}
                                      for node in nodes]
        layers.append(entry)

    def endpoint_history(tensor):
        entry = history(tensor)
        if _counts_a_built_in_node(tensor._keras_history[0]):
            entry[1] += 1
        return entry

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": tree.map_structure(endpoint_history, model._inputs_struct),
        "output_layers": tree.map_structure(endpoint_history, model._outputs_struct),
    }


def _counts_a_built_in_node(layer):
    """Keras 3 numbers a nested functional model's calls from 1 in `input_layers` / `output_layers` (and
    only there: `inbound_nodes` count from 0), as if the model kept a node of its own inputs -> outputs;
    its reader takes the 1 back off. Sequential and subclassed models count from 0 everywhere."""
    from tkeras.models.functional import Functional
    return isinstance(layer, Functional)


def _as_keras_op(layer, nodes, encode):
    """An op node's entry as Keras 3 writes it (see keras_op_nodes), or None to write the layer as is."""
    from tkeras.models.functional_ops import OperatorLayer, _fill
    if not isinstance(layer, OperatorLayer) or len(nodes) != 1:
        return None
    inputs = tree.flatten(nodes[0].args)
    form = keras_form(layer, _fill(layer._operands, inputs), _fill(layer._keywords, inputs))
    if form is None:
        return None
    module, class_name, config, args = form
    return {"module": module, "class_name": class_name, "config": config, "registered_name": class_name,
            "name": layer.name, "inbound_nodes": [{"args": encode(args), "kwargs": {}}]}


def _is_history(value):
    return (isinstance(value, (list, tuple)) and len(value) >= 3 and isinstance(value[0], str)
            and isinstance(value[1], int) and isinstance(value[2], int))


def rebuild_graph(config, custom_objects=None):
    """Create the layers of a functional config and replay their calls -> (inputs, outputs, name, layers)."""
    layers, pending, produced, operations = {}, {}, {}, {}
    order = []
    for entry in config["layers"]:
        layer_config = entry
        name = entry.get("name") or entry.get("config", {}).get("name")
        operation = keras_operation(entry)
        if operation is not None:  # an op Keras 3 wrote; its layer appears when its node is replayed
            operations[name] = operation
            layers[name] = None
            produced[name] = []
            order.append(name)
            pending[name] = list(entry.get("inbound_nodes") or [])
            continue
        layer = deserialize_keras_object(layer_config, custom_objects=custom_objects)
        layers[name] = layer
        order.append(name)
        produced[name] = []
        if type(layer).__name__ == "InputLayer":
            produced[name].append([layer.output])
        pending[name] = list(entry.get("inbound_nodes") or [])

    keras2 = any(isinstance(node, list) for entry in config["layers"] for node in entry.get("inbound_nodes") or [])

    def lookup(history_entry):
        layer_name, node_index, tensor_index = history_entry[:3]
        if keras2 and _has_own_first_node(layers.get(layer_name)):
            node_index -= 1  # Keras 2 counted a nested model's internal node (inputs -> outputs) as node 0
        nodes = produced.get(layer_name)
        if nodes is None:
            raise ValueError(f"Functional config: a node refers to layer {layer_name!r}, which the config lacks")
        if node_index >= len(nodes):
            raise _NotReady()
        return nodes[node_index][tensor_index]

    def decode(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return lookup(value["config"]["keras_history"])
        if isinstance(value, dict) and value.get("class_name") in ("__slice__", "__ellipsis__", "__tensor__",
                                                                   "__numpy__"):
            return decode_constant(value)
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        return value

    def decode_keras2_kwargs(value):
        """tf-keras 2 writes a tensor passed by keyword (MultiHeadAttention's `value=`) as the bare
        [layer, node, tensor] list of its history; such a list naming a layer of this model is that tensor."""
        if (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str) and value[0] in layers
                and all(isinstance(i, int) for i in value[1:])):
            return lookup(value)
        if isinstance(value, list):
            return [decode_keras2_kwargs(v) for v in value]
        if isinstance(value, dict):
            return {k: decode_keras2_kwargs(v) for k, v in value.items()}
        return value

    def replay(name, node):
        if name in operations:
            function, keywords, _ = operations[name]
            args = decode(node.get("args", [])) if isinstance(node, dict) else None
            if not isinstance(args, list):
                raise ValueError(f"Functional config: op {name!r} has a node that is not Keras 3's {{'args', 'kwargs'}}")
            if function is OPERATORS["getitem"] and len(args) == 2 and isinstance(args[1], list):
                args[1] = tuple(args[1])  # a JSON list stands for the tuple of a multi-axis index
            outputs = function(*args, **decode(node.get("kwargs", {})), **keywords)
            created = tree.flatten(outputs)[0]._keras_history[0]
            created.name = name
            layers[name] = created
            produced[name].append(tree.flatten(outputs))
            return
        layer = layers[name]
        if isinstance(node, dict):  # Keras 3
            args = decode(node.get("args", []))
            kwargs = _without_default_training(layer, decode(node.get("kwargs", {})))
            if type(layer).__name__ in _KERAS2_ENDPOINT_LAYERS and len(args) == 1:
                # tf-keras 2's symbolic add_loss/add_metric: grafted onto the model once it exists
                # (functional.from_config), as `model.add_loss(tensor)` grafts it.
                layer._tf_keras2_endpoint_input = args[0]
                produced[name].append(tree.flatten(args[0]))
                return
            outputs = layer(*args, **kwargs)
        else:  # Keras 2: a list of [layer, node, tensor, kwargs] entries
            kwargs = {}
            entries = [node] if _is_keras2_entry(node) else _keras2_entries(node)
            for entry in entries:
                if len(entry) > 3 and isinstance(entry[3], dict):
                    kwargs.update(decode_keras2_kwargs(entry[3]))
            inputs = _map_keras2_entries(node, keras2_input)
            if not getattr(layer, "_preserve_input_structure_in_config", False):
                tensors = tree.flatten(inputs)
                inputs = tensors[0] if len(tensors) == 1 else tensors
            if type(layer).__name__ in _KERAS2_ENDPOINT_LAYERS:  # grafted later, as above
                layer._tf_keras2_endpoint_input = inputs
                produced[name].append(tree.flatten(inputs))
                return
            outputs = layer(inputs, **kwargs)
        produced[name].append(tree.flatten(outputs))

    def keras2_input(entry):
        if entry[0] == _KERAS2_CONSTANT:  # [_CONSTANT_VALUE, -1, value, kwargs]: a constant operand
            return entry[2]
        return lookup(entry)

    progress = True
    while progress and any(pending.values()):
        progress = False
        for name in order:
            while pending[name]:
                try:
                    replay(name, pending[name][0])
                except _NotReady:
                    break
                pending[name].pop(0)
                progress = True
    stuck = [name for name in order if pending[name]]
    if stuck:
        raise ValueError(f"Functional config: the calls of layer(s) {stuck} refer to nodes that never appear; "
                         f"the config is incomplete or its layer order is inconsistent")

    def endpoint(spec):
        if not keras2 and _counts_a_built_in_node(layers.get(spec[0])):
            # Keras' own reader also lands on the last call (index -1) for an endpoint written as 0.
            spec = [spec[0], spec[1] - 1] + list(spec[2:])
        try:
            return lookup(spec)
        except (_NotReady, IndexError):  # (only the replay loop above may wait for a node; an endpoint cannot)
            raise ValueError(f"Functional config: the model's input/output {list(spec)[:3]} names a call of "
                             f"layer {spec[0]!r} that the config never makes") from None

    inputs = _map_endpoints(config.get("input_layers", []), endpoint)
    outputs = _map_endpoints(config.get("output_layers", []), endpoint)
    # Keras 2 wrote single endpoints as lists of one; the model they describe has a single one.
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    return inputs, outputs, config.get("name"), layers


# tf-keras 2 writes a constant first operand (`0.5 * x` -> math.multiply(0.5, y=x)) as this layer name.
_KERAS2_CONSTANT = "_CONSTANT_VALUE"
_KERAS2_ENDPOINT_LAYERS = ("AddLoss", "AddMetric")


def _is_keras2_entry(value):
    """[layer, node, tensor] or [layer, node, tensor, kwargs], as tf-keras 2's own reader recognises it."""
    return isinstance(value, list) and len(value) in (3, 4) and isinstance(value[0], str)


def _map_keras2_entries(node, function):
    """A Keras 2 node's structure with each entry replaced by `function(entry)`. A node is one entry
    (a TFOpLambda called on one tensor), or lists of them (a call on a list, possibly nested)."""
    if _is_keras2_entry(node):
        return function(node)
    if isinstance(node, (list, tuple)):
        return [_map_keras2_entries(item, function) for item in node]
    raise ValueError(f"Functional config: a Keras 2 node holds {node!r}, which is not a "
                     f"[layer, node, tensor, kwargs] entry")


def _keras2_entries(node):
    entries = []
    _map_keras2_entries(node, entries.append)
    return entries


def _without_default_training(layer, kwargs):
    """Keras 3 writes `training` into a node even when nobody passed it: its symbolic call fills in the
    signature's default (True for the augmentation layers). Keras then lets the model's own `training`
    override it, so `predict` runs such a layer in inference mode. Dropping a recorded value that is just
    the default gives tkeras the same behaviour; an explicit non-default value stays as written."""
    if "training" not in kwargs:
        return kwargs
    try:
        default = inspect.signature(layer.call).parameters["training"].default
    except (KeyError, TypeError, ValueError):
        return kwargs
    if default is inspect.Parameter.empty or kwargs["training"] is not default:
        return kwargs
    return {k: v for k, v in kwargs.items() if k != "training"}


def _has_own_first_node(layer):
    """Keras 2's `_should_skip_first_node`: functional models, and Sequentials built from an input shape."""
    if layer is None:
        return False
    if hasattr(layer, "_node_ids"):
        return True
    return type(layer).__name__ == "Sequential" and getattr(layer, "_input_batch_shape", None) is not None


def _map_endpoints(spec, endpoint):
    """input_layers/output_layers: one history, a list of them, or a dict of them."""
    if _is_history(spec):
        return endpoint(spec)
    if isinstance(spec, dict):
        return {k: _map_endpoints(v, endpoint) for k, v in spec.items()}
    return [_map_endpoints(v, endpoint) for v in spec]


class _NotReady(Exception):
    """A node's inputs are not all rebuilt yet; try it again on the next sweep."""
