"""Keras' integer quantizers: symmetric abs-max scaling and grouped asymmetric (zero-point) scaling.

`abs_max_quantize` maps each slice along `axis` so that its largest magnitude lands on the top of
`value_range`: scale = high / (max|x| + epsilon), q = clip(round(x * scale)). Dequantized, x ~ q / scale.
"""
import math

import numpy as np
import torch

from tkeras.backend import config
from tkeras.ops.core import for_user, tensor

_EPSILON = 1e-7  # Keras' backend.epsilon() when the defaults were bound


class Quantizer:
    """Base class: `quantizer(x)` returns the quantized form of `x` (this base class returns `x`)."""

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")


def _axes(axis, ndim):
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim for a in axes)


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=_EPSILON, to_numpy=False):
    """(quantized `inputs` in `dtype`, scale in the inputs' dtype); the scale keeps reduced axes as 1.

    `to_numpy=True` computes on the host in NumPy (Keras' option to save accelerator memory)."""
    x = tensor(inputs)
    low, high = value_range
    if to_numpy:
        values = x.detach().cpu().numpy()
        scale = np.divide(high, np.max(np.abs(values), axis=_axes(axis, values.ndim), keepdims=True) + epsilon)
        quantized = np.clip(np.round(values * scale), low, high).astype(dtype)
        return for_user((tensor(quantized), tensor(scale.astype(values.dtype))))
    amax = torch.amax(torch.abs(x), dim=_axes(axis, x.ndim), keepdim=True)
    scale = (high / (amax + epsilon)).to(x.dtype)
    quantized = torch.clamp(torch.round(x * scale), low, high).to(config.standardize_dtype(dtype))
    return for_user((quantized, scale))


def abs_max_quantize_grouped_with_zero_point(inputs, block_size, value_range=(-8, 7), dtype="int8",
                                             epsilon=_EPSILON, to_numpy=False):
    """Asymmetric quantization of a 2-D kernel in groups of `block_size` rows.

    Each group of rows gets, per column, a scale (max - min) / (high - low) and a zero point so that
    q = round(x / scale) + zero covers the group's range. Returns (q, scale, zero), the last two of shape
    (ceil(rows / block_size), columns); the last group is zero-padded as Keras does."""
    x = tensor(inputs)
    if x.ndim != 2:
        raise ValueError(f"abs_max_quantize_grouped_with_zero_point: expected a 2-D (input_dim, output_dim) "
                         f"tensor; received shape {tuple(x.shape)}")
    rows, columns = x.shape
    groups = math.ceil(rows / block_size)
    low, high = value_range
    padded = torch.cat([x, x.new_zeros(groups * block_size - rows, columns)]).reshape(groups, block_size, columns)
    if to_numpy:
        return _grouped_numpy(padded, rows, value_range, dtype, epsilon)
    # Keras' tensor path takes the range of the real rows when they form a single group, and of the
    # zero-padded group otherwise; an empty range is widened by 1 each way.
    stats = x[None] if groups == 1 else padded
    minimum, maximum = stats.amin(dim=1), stats.amax(dim=1)
    flat = minimum == maximum
    minimum, maximum = torch.where(flat, minimum - 1, minimum), torch.where(flat, maximum + 1, maximum)
    span = maximum - minimum + epsilon if epsilon > 0 else maximum - minimum
    scale = span / (high - low)
    scale = torch.where(scale <= 0, torch.full_like(scale, 1e-8), scale).to(x.dtype)
    zero = torch.clamp(torch.round(-minimum / scale) + low, low, high)
    quantized = torch.clamp(torch.round(padded / scale[:, None, :]) + zero[:, None, :], low, high)
    quantized = quantized.reshape(-1, columns)[:rows].to(config.standardize_dtype(dtype))
    return for_user((quantized, scale, zero.to(torch.int8)))


def _grouped_numpy(padded, rows, value_range, dtype, epsilon):
    low, high = value_range
    values = padded.detach().cpu().numpy()
    minimum, maximum = values.min(axis=1, keepdims=True), values.max(axis=1, keepdims=True)
    scale = ((maximum - minimum) + epsilon) / (high - low)
    zero = np.clip(np.round(-minimum / scale) + low, low, high)
    quantized = np.clip(np.round(values / scale) + zero, low, high).astype(dtype)
    quantized = quantized.reshape(-1, values.shape[-1])[:rows]
    return for_user((tensor(quantized), tensor(scale[:, 0].astype(values.dtype)),
                     tensor(zero[:, 0].astype("int8"))))


class AbsMaxQuantizer(Quantizer):
    """`quantizer(x, axis=None)` -> (q, scale) by `abs_max_quantize`; the axis defaults to the one given
    here, else -1."""

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=_EPSILON, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        self.axis = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        self.value_range = tuple(value_range)
        self.epsilon = epsilon
        if output_dtype == "int8" and (self.value_range[0] < -128 or self.value_range[1] > 127):
            raise ValueError(f"AbsMaxQuantizer: value_range={value_range} does not fit output_dtype='int8' "
                             f"([-128, 127])")

    def __call__(self, x, axis=None, to_numpy=False):
        axis = self.axis if axis is None else axis
        return abs_max_quantize(x, -1 if axis is None else axis, self.value_range, self.output_dtype,
                                self.epsilon, to_numpy)

    def get_config(self):
        config_ = {"value_range": self.value_range, "epsilon": self.epsilon, "output_dtype": self.output_dtype}
        if self.axis is not None:
            config_["axis"] = self.axis
        return config_
