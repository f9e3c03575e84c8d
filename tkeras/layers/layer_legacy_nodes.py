"""tf-keras 2's per-node Layer API: `get_input_at(i)`, `get_output_shape_at(i)`, ... and a few Keras 2 hooks.

Every symbolic call of a layer records a Node (`tkeras.models.functional_call.Node`) in
`layer._inbound_nodes`; node `i` is the layer's `i`-th call on KerasTensors (a shared layer has one per
call). These methods read a node back: its inputs / outputs (one tensor unwrapped from a one-element
list, as Keras 2 does), their shapes as tuples, and their masks. An InputLayer's only node has no
inputs: its input is its own output tensor, as in Keras 2.

Also here: `compute_output_signature` (output TensorSpec-like objects from input specs),
`add_update` (eager semantics of tf-keras 2: a callable update runs now unless the layer is frozen,
an already computed update is ignored) and the no-op `finalize_state` hook.
"""
from tkeras.utils import tree


class _OutputSpec:
    """What `compute_output_signature` returns per output: a shape and a dtype (like tf.TensorSpec)."""

    __slots__ = ("shape", "dtype", "name")

    def __init__(self, shape, dtype, name=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.name = name

    def __eq__(self, other):
        return isinstance(other, _OutputSpec) and (self.shape, self.dtype) == (other.shape, other.dtype)

    __hash__ = object.__hash__

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype}, name={self.name})"


def _shape(tensor):
    shape = getattr(tensor, "shape", None)
    return None if shape is None else tuple(None if d is None else int(d) for d in shape)


def _mask(tensor):
    return getattr(tensor, "_keras_mask", None)


def _single(values):
    return values[0] if isinstance(values, list) and len(values) == 1 else values


class LegacyNodeMethods:
    # -- nodes ------------------------------------------------------------------------------------
    def _node_at(self, node_index, what):
        nodes = self.__dict__.get("_inbound_nodes") or []
        if not nodes:
            raise RuntimeError(f"Layer {self.name!r} has not been called on symbolic inputs yet, so it has no "
                               f"{what} at any node")
        if not isinstance(node_index, int) or not -len(nodes) <= node_index < len(nodes):
            raise ValueError(f"Layer {self.name!r} has {len(nodes)} inbound node(s); there is no {what} at "
                             f"node_index={node_index!r}")
        return nodes[node_index]

    @staticmethod
    def _node_inputs(node):
        if not node.args:  # an InputLayer's node: its input is the tensor it made
            return [node.outputs]
        return node.args[0]

    def get_input_at(self, node_index):
        """The input tensor(s) of the layer's `node_index`-th call."""
        return _single(self._node_inputs(self._node_at(node_index, "input")))

    def get_output_at(self, node_index):
        """The output tensor(s) of the layer's `node_index`-th call."""
        node = self._node_at(node_index, "output")
        return _single([node.outputs] if not node.args else node.outputs)

    def get_input_shape_at(self, node_index):
        """The input shape(s) (tuples) of the layer's `node_index`-th call."""
        return tree.map_structure(_shape, self.get_input_at(node_index))

    def get_output_shape_at(self, node_index):
        """The output shape(s) (tuples) of the layer's `node_index`-th call."""
        return tree.map_structure(_shape, self.get_output_at(node_index))

    def get_input_mask_at(self, node_index):
        """The mask(s) of the inputs of the `node_index`-th call (None where a tensor carries none)."""
        inputs = self.get_input_at(node_index)
        return [_mask(x) for x in inputs] if isinstance(inputs, list) else _mask(inputs)

    def get_output_mask_at(self, node_index):
        """The mask(s) of the outputs of the `node_index`-th call (None where a tensor carries none)."""
        outputs = self.get_output_at(node_index)
        return [_mask(x) for x in outputs] if isinstance(outputs, list) else _mask(outputs)

    # -- Keras 2 hooks ----------------------------------------------------------------------------
    def compute_output_signature(self, input_signature):
        """Output specs (shape and dtype) for input specs: `compute_output_shape` on their shapes, in the
        layer's compute dtype (the first input's dtype when the layer has none)."""
        leaves = tree.flatten(input_signature)
        for spec in leaves:
            if not (hasattr(spec, "shape") and hasattr(spec, "dtype")):
                raise TypeError(f"Layer {self.name!r}: compute_output_signature takes specs with a shape and a "
                                f"dtype (keras.InputSpec-like, KerasTensor, tf.TensorSpec), received {spec!r}")
        shapes = tree.map_structure(_shape, input_signature)
        output_shape = self.compute_output_shape(shapes)
        dtype = getattr(self, "compute_dtype", None) or (leaves[0].dtype if leaves else None)
        if not isinstance(dtype, str) and dtype is not None:
            from tkeras.backend import config
            dtype = config.dtype_name(dtype)
        if output_shape is None or _is_shape(output_shape):
            return _OutputSpec(output_shape or (), dtype)
        return _map_shapes(output_shape, lambda s: _OutputSpec(s, dtype))

    def add_update(self, updates):
        """Keras 2 in eager mode: a zero-argument callable runs now, except inside the call of a frozen
        (`trainable=False`) layer; an update given as a value has already taken effect and is ignored."""
        from tkeras.backend.context import CALL_CONTEXT
        if CALL_CONTEXT.depth and not getattr(self, "trainable", True):
            return
        for update in tree.flatten(updates):
            if callable(update):
                update()

    def finalize_state(self):
        """Hook called after a layer's weights are restored; the base does nothing."""


def _is_shape(value):
    return isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value)


def _map_shapes(structure, fn):
    if _is_shape(structure):
        return fn(structure)
    if isinstance(structure, dict):
        return {key: _map_shapes(value, fn) for key, value in structure.items()}
    return type(structure)(_map_shapes(value, fn) for value in structure) if isinstance(structure, (list, tuple)) \
        else fn(tuple(structure))
