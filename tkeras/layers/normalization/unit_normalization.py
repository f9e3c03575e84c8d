"""UnitNormalization: scale each sample to unit L2 norm over `axis`, as Keras' `ops.normalize(order=2)`.

Keras computes x * rsqrt(max(sum(x**2), 1e-12**2)): the floor sits on the squared sum, so a zero
vector maps to zeros with a finite gradient (a floor on the norm after the square root would give
NaN gradients through sqrt(0)). The layer has no weights; masks pass through unused.
"""
import torch

from tkeras.layers.normalization import _statistics
from tkeras.layers.normalization._axes import normalize_axes
from tkeras.layers.layer import Layer

_EPSILON = 1e-12  # Keras' lower bound on the norm; squared, it is still a normal float32 (1e-24)


class UnitNormalization(Layer):
    """Normalize each sample to an L2 norm of 1.

    Args:
        axis: int or list of ints, the axis or axes whose joint norm becomes 1. Default -1.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            axis = list(axis)
        elif isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"UnitNormalization layer {self.name!r}: axis must be an int or a list of ints; "
                            f"received axis={axis!r}")
        self.axis = axis
        self.supports_masking = True

    def build(self, input_shape):
        self._axes = normalize_axes(self.axis, len(input_shape), self, allow_batch_axis=True)
        self.built = True

    def call(self, inputs):
        # Squares of half-precision values overflow past 256 and 1e-24 underflows to 0: sum in float32.
        x = _statistics.for_statistics(inputs, self.torch_dtype)
        square_sum = x.square().sum(dim=self._axes, keepdim=True)
        outputs = x * torch.rsqrt(square_sum.clamp_min(_EPSILON * _EPSILON))
        return _statistics.back_to_input_dtype(outputs, inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
