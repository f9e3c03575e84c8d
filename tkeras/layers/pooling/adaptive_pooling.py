"""AdaptiveAverage/MaxPooling1D/2D/3D (Keras 3.13+): pool to a fixed output size, whatever the input's.

Output cell i of an axis of length L pooled to n covers input steps floor(i*L/n) to ceil((i+1)*L/n),
so cells may overlap when n does not divide L; that is torch's `adaptive_*_pool`, which Keras' own
backends reproduce. `data_format` places the channels, as in the other pooling layers.
"""
import numbers

import torch.nn.functional as F

from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.layer import InputSpec, Layer

_TORCH_POOLS = {
    ("average", 1): F.adaptive_avg_pool1d, ("average", 2): F.adaptive_avg_pool2d, ("average", 3): F.adaptive_avg_pool3d,
    ("max", 1): F.adaptive_max_pool1d, ("max", 2): F.adaptive_max_pool2d, ("max", 3): F.adaptive_max_pool3d,
}


def _output_size(value, rank, layer_name):
    """An int (the same for every axis) or a tuple of `rank` positive ints, as a tuple."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value),) * rank
    elif isinstance(value, (list, tuple)):
        if len(value) != rank:
            raise ValueError(f"{layer_name}: output_size must be an int or a tuple of {rank} int(s), received "
                             f"output_size={tuple(value)!r} ({len(value)} values)")
        value = tuple(value)
    else:
        raise TypeError(f"{layer_name}: output_size must be an int or a tuple of {rank} int(s), received "
                        f"output_size={value!r} of type {type(value).__name__}")
    if any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v <= 0 for v in value):
        raise ValueError(f"{layer_name}: every output size must be a positive integer, received output_size={value!r}")
    return tuple(int(v) for v in value)


class BaseAdaptivePooling(Layer):
    rank = None
    mode = None

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.output_size = _output_size(output_size, self.rank, type(self).__name__)
        self.data_format = utils.normalize_data_format(data_format, type(self).__name__)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        channels_last = self.data_format == "channels_last"
        x = inputs.movedim(-1, 1) if channels_last else inputs
        pooled = _TORCH_POOLS[self.mode, self.rank](x, self.output_size)
        return pooled.movedim(1, -1) if channels_last else pooled

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0],) + self.output_size + (input_shape[-1],)
        return (input_shape[0], input_shape[1]) + self.output_size

    def get_config(self):
        config = super().get_config()
        config.update({"output_size": self.output_size, "data_format": self.data_format})
        return config


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """Average-pool (batch, steps, channels) to (batch, output_size, channels)."""
    rank, mode = 1, "average"
    _casts_integer_inputs = True  # float arithmetic (see Layer)


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """Average-pool (batch, height, width, channels) to (batch, *output_size, channels)."""
    rank, mode = 2, "average"
    _casts_integer_inputs = True


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """Average-pool (batch, d1, d2, d3, channels) to (batch, *output_size, channels)."""
    rank, mode = 3, "average"
    _casts_integer_inputs = True


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """Max-pool (batch, steps, channels) to (batch, output_size, channels)."""
    rank, mode = 1, "max"


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """Max-pool (batch, height, width, channels) to (batch, *output_size, channels)."""
    rank, mode = 2, "max"


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """Max-pool (batch, d1, d2, d3, channels) to (batch, *output_size, channels)."""
    rank, mode = 3, "max"
