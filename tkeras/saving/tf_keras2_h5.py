"""What tkeras writes into a `.h5` file so that tf-keras 2 reads it, while Keras 3 still does.

Nodes: Keras 3 records a call as `{"args": [...], "kwargs": {...}}` with `__keras_tensor__` placeholders;
Keras 2 (tf-keras) as a list of `[layer_name, node_index, tensor_index, kwargs]`, one per input tensor.
tf-keras 2 reads only the second, and Keras 3 reads both (its `.h5` loader keeps the legacy branch), so a
node in Keras 2's spelling makes the file readable by both. Only calls that spelling can express are
rewritten: one positional argument that is a tensor or a flat list of tensors, and keyword arguments
that hold no tensors (e.g. `training`); for MultiHeadAttention, whose `.h5` config only tf-keras 2 reads
anyway, also its `value`/`key` tensors (see TENSOR_KEYWORDS). Any other node (an op node with
constants, a tensor passed by keyword) keeps Keras 3's spelling, which Keras 3 and tkeras read.
"""

_TENSOR = "__keras_tensor__"


def _history(value):
    """[layer, node, tensor] of a serialized Keras tensor; None for anything else."""
    if isinstance(value, dict) and value.get("class_name") == _TENSOR:
        history = (value.get("config") or {}).get("keras_history")
        if isinstance(history, list) and len(history) == 3:
            return list(history)
    return None


def _holds_tensor(value):
    if _history(value) is not None:
        return True
    if isinstance(value, dict):
        return any(_holds_tensor(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_tensor(v) for v in value)
    return False


# Layers whose `.h5` config only tf-keras 2 reads (legacy_h5 writes MultiHeadAttention's three input shapes,
# which tf-keras 2 requires and Keras 3 refuses): their calls may also take tf-keras 2's spelling for tensors
# beyond the first, each by its `call` argument name in the entry's kwargs as [layer, node, tensor] (what
# tf-keras 2 itself writes: [["q", 0, 0, {"value": ["v", 0, 0]}]]), which Keras 3 would not read.
TENSOR_KEYWORDS = {"MultiHeadAttention": ("value", "key")}


def keras2_node(node, tensor_keywords=()):
    """One Keras 3 node -> Keras 2's list of inbound entries, or the node unchanged when it cannot be.
    `tensor_keywords`: the call's names for positional arguments after the first, for a layer in
    TENSOR_KEYWORDS (elsewhere no tensor may sit beside the first argument)."""
    if not isinstance(node, dict) or set(node) - {"args", "kwargs"}:
        return node
    args, kwargs = node.get("args") or [], node.get("kwargs") or {}
    if not args or not isinstance(kwargs, dict):
        return node
    if tensor_keywords:
        if len(args) - 1 > len(tensor_keywords) or isinstance(args[0], list):
            return node
        kwargs = {**dict(zip(tensor_keywords, args[1:])), **kwargs}
        if any(_holds_tensor(v) and _history(v) is None for v in kwargs.values()):
            return node  # a tensor inside a structure: tf-keras 2 resolves only bare ones
        kwargs = {k: _history(v) if _history(v) is not None else v for k, v in kwargs.items()}
    elif len(args) != 1 or _holds_tensor(kwargs):
        return node
    inputs = args[0] if isinstance(args[0], list) else [args[0]]
    histories = [_history(x) for x in inputs]
    if not histories or any(h is None for h in histories):
        return node
    return [h + [dict(kwargs)] for h in histories]


# tf-keras 2's layers for `tf.*` calls and slicing keep their first argument's structure in a node.
OP_LAMBDA_CLASSES = ("TFOpLambda", "SlicingOpLambda")
_CONSTANT = "_CONSTANT_VALUE"


def _with_histories(value):
    """Tensors anywhere in `value` as the bare [layer, node, tensor] tf-keras 2 resolves in keywords."""
    if _history(value) is not None:
        return _history(value)
    if isinstance(value, dict):
        return {k: _with_histories(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_histories(v) for v in value]
    return value


def op_lambda_node(node):
    """A TFOpLambda's node as tf-keras 2 writes it: one entry for a tensor (a list of entries for a list of
    tensors), a constant first argument as [_CONSTANT_VALUE, -1, value, kwargs], and every keyword (tensors
    as bare histories) in each entry. Anything else keeps Keras 3's spelling."""
    if not isinstance(node, dict) or set(node) - {"args", "kwargs"}:
        return node
    args, kwargs = node.get("args") or [], node.get("kwargs") or {}
    if len(args) != 1 or not isinstance(kwargs, dict):
        return node
    kwargs, first = _with_histories(kwargs), args[0]

    def entry(value):
        history = _history(value)
        return history + [dict(kwargs)] if history is not None else [_CONSTANT, -1, value, dict(kwargs)]

    if isinstance(first, list):
        return [entry(v) for v in first] if first and all(_history(v) is not None for v in first) else node
    if _history(first) is None and _holds_tensor(first):
        return node
    return entry(first)


def _keras2_layer_node(layer, node):
    if layer.get("class_name") in OP_LAMBDA_CLASSES:
        return op_lambda_node(node)
    return keras2_node(node, TENSOR_KEYWORDS.get(layer.get("class_name"), ()))


def _is_op_node(layer):
    """An operation (`x * 2`, `ops.sum(x)`): only Keras 3's spelling names its arguments, so it keeps it."""
    return ".ops" in str(layer.get("module") or "") or layer.get("class_name") == "OperatorLayer"


def _has_own_first_node(layer):
    """Whether tf-keras 2, building `layer` from this config, counts its construction as node 0 (its
    `_should_skip_first_node`): a functional model, or a Sequential that starts from an input shape."""
    config = layer.get("config") if isinstance(layer, dict) else None
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        return False
    if "input_layers" in config:
        return True
    first = config["layers"][0] if config["layers"] else None
    first_config = first.get("config") if isinstance(first, dict) else None
    return isinstance(first, dict) and (first.get("class_name") == "InputLayer" or (
        isinstance(first_config, dict) and ("batch_input_shape" in first_config or "batch_shape" in first_config)))


def _shift_history(history, shifted):
    if isinstance(history, list) and len(history) >= 3 and isinstance(history[0], str) and history[0] in shifted \
            and isinstance(history[1], int):
        return [history[0], history[1] + 1] + history[2:]
    return history


def _shifted_value(value, shifted):
    """`value` (a node in either spelling, or input/output_layers) with every reference to a layer in
    `shifted` one node later."""
    if isinstance(value, dict):
        if value.get("class_name") == _TENSOR and isinstance(value.get("config"), dict):
            history = value["config"].get("keras_history")
            return {**value, "config": {**value["config"], "keras_history": _shift_history(history, shifted)}}
        return {k: _shifted_value(v, shifted) for k, v in value.items()}
    if isinstance(value, list):
        shifted_history = _shift_history(value, shifted)
        if shifted_history is not value:
            return shifted_history[:3] + [_shifted_value(v, shifted) for v in shifted_history[3:]]
        return [_shifted_value(v, shifted) for v in value]
    return value


def with_keras2_nodes(config):
    """`config` (a model's {"class_name", "config"}) with its layers' nodes in Keras 2's spelling where it
    can express them, nested models' own configs included. tf-keras 2 counts a nested model's own
    construction as its node 0 (see _has_own_first_node), so once a node takes Keras 2's spelling, every
    reference to such a layer points one node later, as tf-keras 2 writes it and as tkeras' reader
    expects in a file with Keras 2 nodes."""
    inner = config.get("config") if isinstance(config, dict) else None
    layers = inner.get("layers") if isinstance(inner, dict) else None
    if not isinstance(layers, list):
        return config
    converted = []
    for layer in layers:
        if isinstance(layer, dict) and isinstance(layer.get("config"), dict) and "layers" in layer["config"]:
            layer = with_keras2_nodes(layer)
        if isinstance(layer, dict) and isinstance(layer.get("inbound_nodes"), list) and not _is_op_node(layer):
            layer = {**layer, "inbound_nodes": [_keras2_layer_node(layer, n) for n in layer["inbound_nodes"]]}
        converted.append(layer)
    inner = {**inner, "layers": converted}
    keras2 = any(isinstance(node, list) for layer in converted if isinstance(layer, dict)
                 for node in layer.get("inbound_nodes") or [])
    shifted = {layer.get("name") for layer in converted if _has_own_first_node(layer)}
    if keras2 and shifted:
        inner["layers"] = [_with_shifted_nodes(layer, shifted) for layer in converted]
        # output_layers already count a functional model's calls from 1 (Keras 3 does there, and only there).
        sequentials = {layer.get("name") for layer in converted
                       if layer.get("name") in shifted and "input_layers" not in layer["config"]}
        inner["output_layers"] = _shifted_value(inner.get("output_layers"), sequentials)
    return {**config, "config": inner}


def _with_shifted_nodes(layer, shifted):
    """A layer's nodes with references to `shifted` layers one later. A shifted layer called once also gets
    a second copy of its call: Keras 3 counts no construction node, so it reads reference 1 as that copy,
    the same tensor tf-keras 2 reads as the call itself (and nothing uses the other one). A shifted layer
    called more than once cannot be spelled for both; it is spelled for tf-keras 2."""
    if not isinstance(layer, dict) or not isinstance(layer.get("inbound_nodes"), list):
        return layer
    nodes = _shifted_value(layer["inbound_nodes"], shifted)
    if layer.get("name") in shifted and len(nodes) == 1:
        nodes = nodes + [_shifted_value(layer["inbound_nodes"], shifted)[0]]
    return {**layer, "inbound_nodes": nodes}


# Optimizer arguments Keras 3 added, at the value that means "off". tf-keras 2 builds an .h5 file's
# optimizer as its legacy class (no `is_legacy_optimizer` key), which refuses them; Keras 3 refuses that
# key, so the arguments are left out instead, where they hold these values.
_NEWER_OPTIMIZER_DEFAULTS = {"weight_decay": None, "use_ema": False, "ema_momentum": 0.99,
                             "ema_overwrite_frequency": None, "loss_scale_factor": None,
                             "gradient_accumulation_steps": None, "global_clipnorm": None}


def keras2_optimizer_config(optimizer_config):
    """A built-in optimizer's config without the newer arguments at their defaults (see above)."""
    if not isinstance(optimizer_config, dict) or not isinstance(optimizer_config.get("config"), dict):
        return optimizer_config
    config = optimizer_config["config"]
    # Without EMA its two settings mean nothing, whatever they hold (tf-keras 2's RMSprop writes 100).
    ema_off = config.get("use_ema", False) is False

    def left_out(key, value):
        if key not in _NEWER_OPTIMIZER_DEFAULTS:
            return False
        return value == _NEWER_OPTIMIZER_DEFAULTS[key] or (ema_off and key.startswith("ema_"))

    inner = {k: v for k, v in config.items() if not left_out(k, v)}
    return {**optimizer_config, "config": inner}
