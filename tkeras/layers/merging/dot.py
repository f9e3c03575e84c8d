"""Dot: per-sample dot product of two tensors along `axes` (Keras' batch_dot), optionally of
L2-normalized inputs (cosine similarity). Two (batch, n) inputs give (batch, 1)."""
import torch

from tkeras.layers.merging.base_merge import Merge

_LETTERS = "bcdefghijklmnopqrstuvwxy"


def _l2_normalize(x, axis):
    # Keras: x / sqrt(max(sum(x^2), 1e-12)), so a zero vector stays zero.
    return x * torch.rsqrt(torch.clamp(torch.sum(x * x, dim=axis, keepdim=True), min=1e-12))


class Dot(Merge):
    min_inputs = max_inputs = 2

    def __init__(self, axes=-1, normalize=False, **kwargs):
        axes = kwargs.pop("dot_axes", axes)  # Keras 1
        super().__init__(**kwargs)
        if isinstance(axes, int):
            self.axes = int(axes)
        else:
            axes = list(axes)
            if len(axes) != 2:
                raise ValueError(f"Dot: axes must be an int or a pair of ints, received axes={axes!r}")
            self.axes = [int(a) for a in axes]
        self.normalize = bool(normalize)
        self.supports_masking = True  # as in Keras; its compute_mask still gives None

    def _resolve_axes(self, ranks):
        axes = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        resolved = []
        for axis, rank in zip(axes, ranks):
            if not -rank <= axis < rank or axis % rank == 0:
                raise ValueError(f"Dot layer {self.name!r}: axes={self.axes} must name a non-batch axis of each "
                                 f"input (ranks {ranks})")
            resolved.append(axis % rank)
        return resolved

    def _merge(self, inputs):
        x, y = inputs
        ax, ay = self._resolve_axes((x.dim(), y.dim()))
        if x.shape[ax] != y.shape[ay]:
            raise ValueError(f"Dot layer {self.name!r}: dimension incompatibility {x.shape[ax]} != {y.shape[ay]} "
                             f"along axes {[ax, ay]}, input shapes {tuple(x.shape)} and {tuple(y.shape)}")
        if self.normalize:
            x, y = _l2_normalize(x, ax), _l2_normalize(y, ay)
        x_letters = list(_LETTERS[:x.dim() - 1])
        y_letters = list(_LETTERS[x.dim() - 1:x.dim() + y.dim() - 2])
        x_letters[ax - 1] = "z"
        y_letters[ay - 1] = "z"
        out_letters = [c for c in x_letters if c != "z"] + [c for c in y_letters if c != "z"]
        output = torch.einsum(f"a{''.join(x_letters)},a{''.join(y_letters)}->a{''.join(out_letters)}", x, y)
        return output.unsqueeze(1) if output.dim() == 1 else output

    def compute_output_shape(self, input_shape):
        s1, s2 = (tuple(s) for s in input_shape)
        ax, ay = self._resolve_axes((len(s1), len(s2)))
        if s1[ax] is not None and s2[ay] is not None and s1[ax] != s2[ay]:
            raise ValueError(f"Dot layer {self.name!r}: dimension incompatibility {s1[ax]} != {s2[ay]} along "
                             f"axes {[ax, ay]}, input shapes {s1} and {s2}")
        out = (s1[0],) + s1[1:ax] + s1[ax + 1:] + s2[1:ay] + s2[ay + 1:]
        return out if len(out) > 1 else out + (1,)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """Functional form of Dot: `dot([x1, x2], axes=1)`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
