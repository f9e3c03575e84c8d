"""What every merge layer shares: a list of inputs, broadcastable shapes, and Keras' mask rule.

Element-wise merges follow broadcasting (Keras allows e.g. (batch, 5) + (batch, 1)); shapes are
checked at build time so a mismatch names the layer and the shapes instead of a torch error deep in
the forward pass. The output mask is the AND of the inputs' masks (a step is real only if it is real
in every input), as Keras computes it.
"""
import torch

from tkeras.layers.layer import Layer


def _is_shape_list(value):
    return isinstance(value, (list, tuple)) and all(isinstance(s, (list, tuple)) for s in value)


class Merge(Layer):
    min_inputs = 1
    max_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_count(self, count):
        name = type(self).__name__
        if count < self.min_inputs or (self.max_inputs is not None and count > self.max_inputs):
            expected = (f"exactly {self.min_inputs}" if self.min_inputs == self.max_inputs
                        else f"at least {self.min_inputs}")
            raise ValueError(f"A {name} layer should be called on a list of {expected} inputs, "
                             f"received {count} input(s)")

    def build(self, input_shape):
        if not _is_shape_list(input_shape):
            raise ValueError(f"A {type(self).__name__} layer should be called on a list of inputs, received "
                             f"a single input of shape {input_shape}; pass [tensor_a, tensor_b, ...]")
        self._check_count(len(input_shape))
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A {type(self).__name__} layer should be called on a list of inputs, received "
                             f"a single tensor of shape {tuple(inputs.shape)}")
        self._check_count(len(inputs))
        return self._merge(list(inputs))

    def _merge(self, inputs):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        rank = max(len(s) for s in shapes)
        padded = [(1,) * (rank - len(s)) + s if len(s) < rank else s for s in shapes]
        out = []
        for axis, sizes in enumerate(zip(*padded)):
            known = {d for d in sizes if d is not None and d != 1}
            if len(known) > 1:
                raise ValueError(f"{type(self).__name__} layer {self.name!r}: inputs have incompatible shapes "
                                 f"{shapes} (axis {axis} is {sorted(known)}); element-wise merges need equal "
                                 f"(or broadcastable, size-1) dimensions")
            out.append(known.pop() if known else (None if None in sizes else 1))
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        masks = [m for m in mask if m is not None]
        if not masks:
            return None
        result = masks[0].bool()
        for m in masks[1:]:
            result = result & m.bool()
        return result


def reduce_inputs(inputs, op):
    """Fold a binary torch op over the list of inputs."""
    result = inputs[0]
    for tensor in inputs[1:]:
        result = op(result, tensor)
    return result
