"""The masks KerasTensors carry while a functional model is built (`x._keras_mask`).

tkeras applies masks when the model runs; Keras also shows them on the symbolic tensors, so code can
inspect `x._keras_mask` (keras-io's masking guide does) or read `layer.output_mask`. A KerasTensor
works its mask out on first access (backend/keras_tensor.py asks `mask_of_keras_tensor`): from the
mask of the call's first input, passed on unchanged by layers keeping Layer's compute_mask, or from
the layer's own compute_mask run on stand-in values (its shape is all that is wanted).
"""
import torch

from tkeras.backend import config
from tkeras.backend.keras_tensor import KerasTensor
from tkeras.layers.probe_scope import probing
from tkeras.utils import tree

# Probe sizes (batch, other unknown dims): even, so a compute_mask splitting the steps in two works.
_PROBE_SIZES = ((2, 4), (3, 6))


def mask_of_keras_tensor(tensor):
    """The symbolic mask (a bool KerasTensor) of `tensor`, or None."""
    layer, node_index, output_index = tensor._keras_history
    from tkeras.layers.layer import Layer
    own_rule = type(layer).compute_mask is not Layer.compute_mask
    if not (own_rule or getattr(layer, "supports_masking", False)):
        return None
    node = layer._inbound_nodes[node_index]
    inputs = node.args[0]
    previous = node.kwargs.get("mask")
    if previous is None:
        previous = tree.map_structure(_mask_or_none, inputs)
        if not any(m is not None for m in tree.flatten(previous)):
            previous = None
    if not own_rule:  # Layer's rule: the first input's mask goes to the first output
        return previous if output_index == 0 and isinstance(previous, KerasTensor) else None
    try:
        first, second = (_probe_compute_mask(layer, inputs, previous, sizes) for sizes in _PROBE_SIZES)
    except Exception:  # a rule the stand-in values cannot satisfy: no symbolic mask, as before
        return None
    first, second = tree.flatten(first), tree.flatten(second)
    if output_index >= len(first) or first[output_index] is None:
        return None
    a, b = first[output_index], second[output_index]
    shape = tuple(None if (i == 0 or da != db) else int(da) for i, (da, db) in enumerate(zip(a.shape, b.shape)))
    return KerasTensor(shape, dtype="bool", name=f"{tensor.name}_mask")


def _mask_or_none(value):
    if not isinstance(value, KerasTensor):
        return None
    return getattr(value, "_keras_mask", None)


def _probe_compute_mask(layer, inputs, previous, sizes):
    from tkeras.models.functional_call import _probe_value
    probe_inputs = tree.map_structure(lambda v: _probe_value(v, sizes), inputs)
    probe_mask = None if previous is None else tree.map_structure(lambda m: _probe_mask_value(m, sizes), previous)
    with probing():
        return layer.compute_mask(probe_inputs, probe_mask)


def _probe_mask_value(mask, sizes):
    if not isinstance(mask, KerasTensor):
        return None
    batch, other = sizes
    dims = [batch if (i == 0 and d is None) else (other if d is None else d) for i, d in enumerate(mask.shape)]
    return torch.ones(dims, dtype=torch.bool, device=config.device())
