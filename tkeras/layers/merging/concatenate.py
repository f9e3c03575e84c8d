"""Concatenate along `axis`; every other dimension must agree. The output mask concatenates the
inputs' masks (an unmasked input counts as all-real) and, as Keras does, reduces the feature axis
with any()."""
import torch

from tkeras.layers.merging.base_merge import Merge


class Concatenate(Merge):
    def __init__(self, axis=-1, **kwargs):
        axis = kwargs.pop("concat_axis", axis)  # Keras 1
        super().__init__(**kwargs)
        self.axis = int(axis)

    def _merge(self, inputs):
        return torch.cat(inputs, dim=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(f"Concatenate layer {self.name!r}: inputs must have the same rank, received shapes "
                             f"{shapes}")
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise ValueError(f"Concatenate layer {self.name!r}: axis={self.axis} is out of range for inputs of "
                             f"rank {rank}, shapes {shapes}")
        axis = self.axis % rank
        out = []
        for i, sizes in enumerate(zip(*shapes)):
            if i == axis:
                out.append(None if any(d is None for d in sizes) else sum(sizes))
                continue
            known = {d for d in sizes if d is not None}
            if len(known) > 1 and i > 0:
                raise ValueError(
                    f"A Concatenate layer ({self.name!r}) requires inputs with matching shapes except for the "
                    f"concatenation axis {self.axis}. Received: input_shape={shapes}")
            out.append(None if i == 0 or not known else known.pop())
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = []
        for tensor, m in zip(inputs, mask):
            if m is None:
                masks.append(torch.ones(tensor.shape, dtype=torch.bool, device=tensor.device))
            elif m.dim() < tensor.dim():
                masks.append(m.bool().unsqueeze(-1).expand(tensor.shape))
            else:
                masks.append(m.bool())
        return torch.any(torch.cat(masks, dim=self.axis), dim=-1)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of Concatenate: `concatenate([x1, x2], axis=-1)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)
