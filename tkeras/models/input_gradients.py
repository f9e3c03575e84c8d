"""Functional models whose layers ask for gradients with respect to the model's own tensors.

keras-io's eikonal example computes `tf.gradients(traveltime, receiver_coords)` in a Lambda over the
model's inputs, and trains on the gradient's norm; physics-informed nets do the same. On TensorFlow the
model is one graph, so this is more graph. On torch, autograd has to record the forward pass from those
tensors on, so they must require gradients before any layer reads them.

The model learns which of its slots those are the first time a layer asks (the gradient function raises
`GradientSourcesNeeded` with the tensors it was handed; backend/gradient_sources.py): it looks them up
among the values of the run in progress, remembers their slots, and runs once more. From then on every
run of that model goes through `run_with_sources`: autograd on (even under predict's no_grad, as the
gradient is part of the output) and each value placed in a remembered slot made a leaf that requires
gradients, unless it already carries history (then the gradient reaches back through it, into the
weights that made it). The gradient function keeps the graph of the gradient while autograd is on, so
fit trains through it (second derivatives reach the weights).

Models that never ask pay one test of an empty set per call. The first run of a model that asks does
its layers before the asking one twice: a layer with side effects there (BatchNormalization's moving
statistics) updates them twice on that one call.
"""
import torch

from tkeras.backend import captured_tensors


class SourceSlots(list):
    """A run's slot values; a value stored in one of `marked` becomes a differentiable leaf if it is not one."""

    __slots__ = ("marked",)

    def __init__(self, size, marked):
        super().__init__([None] * size)
        self.marked = marked

    def __setitem__(self, index, value):
        list.__setitem__(self, index, _differentiable(value) if index in self.marked else value)


def run_with_sources(model, inputs, training, mask):
    """`model.call` for a model whose marked slots must be differentiable (see the module docstring)."""
    with torch.enable_grad():
        values = SourceSlots(model._slot_count, model._gradient_source_slots)
        published = model._published_slots() if captured_tensors.any_captured() else None
        if published:
            with captured_tensors.step():
                return model._run(inputs, training, mask, published, values)
        return model._run(inputs, training, mask, None, values)


def mark_and_rerun(model, request, values, inputs, training, mask):
    """A layer asked for gradients with respect to `request.sources`: remember the slots holding them and
    run again; a request for tensors this run does not hold (made inside the layer, or by a caller
    outside the model) goes on up unchanged."""
    wanted = {id(source) for source in request.sources}
    slots = {slot for slot, value in enumerate(values) if id(value) in wanted}
    if not slots or slots <= model._gradient_source_slots:
        raise request
    model._gradient_source_slots = model._gradient_source_slots | frozenset(slots)
    return run_with_sources(model, inputs, training, mask)


def _differentiable(value):
    """`value` as a leaf that requires gradients, unless it already carries history or is not a float tensor."""
    if not isinstance(value, torch.Tensor) or value.requires_grad:
        return value
    if not (value.is_floating_point() or value.is_complex()):
        return value
    leaf = value.detach().requires_grad_()
    mask = value.__dict__.get("_keras_mask")
    if mask is not None:
        leaf._keras_mask = mask
    return leaf


def run_stack_with_sources(model, inputs):
    """Sequential's call when some layers differentiate with respect to their inputs: those inputs are
    made differentiable before the layer runs (positions in `model._gradient_source_positions`)."""
    marked = model._gradient_source_positions
    outputs = inputs
    with torch.enable_grad():
        for position, layer in enumerate(model._stack):
            outputs = layer(_differentiable(outputs) if position in marked else outputs)
    return outputs


def mark_stack_and_rerun(model, request, failing_layer, inputs, failing_input):
    """Sequential's counterpart of `mark_and_rerun`: `failing_layer` asked for gradients with respect to
    `failing_input` (its own input), which had no history."""
    position = next((i for i, layer in enumerate(model._stack) if layer is failing_layer), None)
    if position is None or position in model._gradient_source_positions or not any(
            source is failing_input for source in request.sources):
        raise request
    model._gradient_source_positions = model._gradient_source_positions | {position}
    conformed = inputs if model._input_conformer is None else model._input_conformer(inputs)
    return run_stack_with_sources(model, conformed)
