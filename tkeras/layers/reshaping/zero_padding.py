"""ZeroPadding1D/2D/3D: add zero rows/columns around the spatial axes, per side as Keras spells it.

`padding` is an int (all sides), one int per axis (symmetric), or one (before, after) pair per axis.
"""
import torch.nn.functional as F

from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.layer import InputSpec, Layer


def normalize_pairs(value, rank, arg_name, layer_name):
    """int | (int per axis) | ((before, after) per axis) -> ((before, after),) * rank of non-negative ints."""
    if rank == 1 and not isinstance(value, int):
        pair = utils.normalize_tuple(value, 2, arg_name, layer_name, allow_zero=True)
        return (pair,)
    if isinstance(value, int):
        return ((utils.normalize_tuple(value, 2, arg_name, layer_name, allow_zero=True)),) * rank
    value = tuple(value)
    if len(value) != rank:
        raise ValueError(f"{layer_name}: {arg_name} must be an int, a tuple of {rank} ints or a tuple of {rank} "
                         f"(before, after) pairs, received {arg_name}={value!r}")
    return tuple(utils.normalize_tuple(v, 2, arg_name, layer_name, allow_zero=True) for v in value)


class _ZeroPadding(Layer):
    rank = None

    def __init__(self, padding=1, data_format=None, **kwargs):
        data_format = utils.pop_keras1_dim_ordering(kwargs, data_format)
        super().__init__(**kwargs)
        label = type(self).__name__
        self._pairs = normalize_pairs(padding, self.rank, "padding", label)
        # As in Keras, ZeroPadding1D reports a single (before, after) pair, the others one pair per axis.
        self.padding = self._pairs[0] if self.rank == 1 else self._pairs
        self.data_format = utils.normalize_data_format(data_format, label)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self._pad_spec = utils.torch_pad_spec(self._pairs)

    def call(self, inputs):
        x = inputs if self.data_format == "channels_first" else inputs.movedim(-1, 1)
        x = F.pad(x, self._pad_spec)
        return x if self.data_format == "channels_first" else x.movedim(1, -1)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = utils.spatial_dims(input_shape, self.rank, self.data_format)
        out = [None if n is None else n + b + a for n, (b, a) in zip(spatial, self._pairs)]
        channels = input_shape[1] if self.data_format == "channels_first" else input_shape[-1]
        return utils.with_spatial(input_shape, out, channels, self.data_format)

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        config["data_format"] = self.data_format  # Keras 3 writes it for 1D too (Keras 2 had none there)
        return config


class ZeroPadding1D(_ZeroPadding):
    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    rank = 3

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)
