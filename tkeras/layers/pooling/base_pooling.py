"""Windowed pooling with Keras (TensorFlow) semantics on torch's pooling kernels.

Two details differ from torch's defaults and are matched here: 'same' padding puts the odd extra
row at the end, and average pooling divides by the number of *real* inputs in each window (the
padding is not averaged in). When TensorFlow's padding happens to be symmetric, torch's own
`padding=` (with `count_include_pad=False`) does the work in one kernel; otherwise the input is
padded explicitly (-inf for max) and, for averages, divided by a per-position count that depends
only on the spatial shape. 1-D pooling runs as 2-D over a (batch, channels, 1, steps) view, which
keeps channels_last data in torch's channels_last memory format (no reorder; see base_conv).
"""
import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.convolutional.base_conv import lift_1d
from tkeras.layers.layer import InputSpec, Layer

_MAX = {1: F.max_pool2d, 2: F.max_pool2d, 3: F.max_pool3d}  # 1-D lifted to 2-D
_AVG = {1: F.avg_pool2d, 2: F.avg_pool2d, 3: F.avg_pool3d}


class BasePooling(Layer):
    rank = None
    mode = None  # "max" or "average"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        # Keras 1 spellings: pool_length/stride (1-D), border_mode, dim_ordering.
        pool_size = kwargs.pop("pool_length", pool_size)
        strides = kwargs.pop("stride", strides)
        padding = kwargs.pop("border_mode", padding)
        data_format = utils.pop_keras1_dim_ordering(kwargs, data_format)
        if self.rank == 1:
            utils.pop_keras1_input_length(kwargs)
            if data_format is None:
                data_format = config.one_d_data_format()  # Keras 1's 'th' ordering left 1-D layers alone
        super().__init__(**kwargs)
        label = type(self).__name__
        self.pool_size = utils.normalize_tuple(pool_size, self.rank, "pool_size", label)
        self.strides = utils.normalize_tuple(self.pool_size if strides is None else strides, self.rank,
                                             "strides", label)
        self.padding = utils.normalize_padding(padding, label)
        self.data_format = utils.normalize_data_format(data_format, label)
        self.pool_mode = self.mode  # Keras' attribute name
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self._count_cache = {}
        self._lift = self.rank == 1
        self._torch_pool = lift_1d(self.pool_size, self._lift)
        self._torch_strides = lift_1d(self.strides, self._lift)

    def _window_check(self, spatial):
        utils.check_window_fits(self, spatial, self.pool_size, (1,) * self.rank, self.padding, "pool_size")

    def call(self, inputs):
        x = inputs if self.data_format == "channels_first" else inputs.movedim(-1, 1)
        spatial = tuple(x.shape[2:])
        if self.padding == "valid":
            self._window_check(spatial)
            amounts = [(0, 0)] * self.rank
        else:
            amounts = [utils.same_padding(n, k, s) for n, k, s in zip(spatial, self.pool_size, self.strides)]
        if self._lift:
            x, amounts, spatial = x.unsqueeze(2), [(0, 0)] + amounts, (1,) + spatial
        outputs = self._pool(x, amounts, spatial)
        if self._lift:
            outputs = outputs.squeeze(2)
        return outputs if self.data_format == "channels_first" else outputs.movedim(1, -1)

    def _pool(self, x, amounts, spatial):
        symmetric = all(b == a for b, a in amounts)
        pad = tuple(b for b, _ in amounts)
        window, strides = self._torch_pool, self._torch_strides
        if self.mode == "max":
            if symmetric:
                return _MAX[self.rank](x, window, strides, pad)
            x = F.pad(x, utils.torch_pad_spec(amounts), value=float("-inf"))
            return _MAX[self.rank](x, window, strides)
        if symmetric:
            return _AVG[self.rank](x, window, strides, pad, count_include_pad=False)
        x = F.pad(x, utils.torch_pad_spec(amounts))
        return _AVG[self.rank](x, window, strides) / self._real_fraction(amounts, spatial, x)

    def _real_fraction(self, amounts, spatial, like):
        """Share of each window that is real input (not padding): depends on the shape only, so cached."""
        key = (tuple(spatial), like.dtype, like.device)
        fraction = self._count_cache.get(key)
        if fraction is None:
            ones = torch.ones((1, 1) + tuple(spatial), dtype=like.dtype, device=like.device)
            ones = F.pad(ones, utils.torch_pad_spec(amounts))
            fraction = _AVG[self.rank](ones, self._torch_pool, self._torch_strides)
            self._count_cache = {key: fraction}
        return fraction

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = utils.spatial_dims(input_shape, self.rank, self.data_format)
        self._window_check(spatial)
        out = [utils.output_length(n, k, s, self.padding) for n, k, s in zip(spatial, self.pool_size, self.strides)]
        channels = input_shape[1] if self.data_format == "channels_first" else input_shape[-1]
        return utils.with_spatial(input_shape, out, channels, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding, "strides": self.strides,
                       "data_format": self.data_format})  # Keras 3's order
        return config
