"""Conv1D, Conv2D, Conv3D and their Keras 1 names (Convolution1D/2D/3D, AtrousConvolution1D/2D).

Keras 1 wrote a 2-D kernel as two positional numbers, `Convolution2D(32, 3, 3)`, where Keras 2/3
read the third positional argument as `strides`. The Keras 1 names therefore always read it the
Keras 1 way; `Conv2D` reads it the Keras 2 way only when the call also uses Keras 1 keywords
(`border_mode=`, `subsample=`, `init=`...), which is how Keras 2's own compatibility layer spotted
old code. The Keras 1 names build the Keras 2 class, so files name `Conv2D` as Keras writes them.
"""
import numbers

import torch

from tkeras.backend import config
from tkeras.layers.convolutional.base_conv import _CONV, KERAS1_MARKERS, BaseConv
from tkeras.layers.lora import LoraKernelMixin


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


class _Conv(LoraKernelMixin, BaseConv):
    """What Keras 3's plain convolutions add to the shared base: LoRA on the kernel (`enable_lora`,
    `lora_rank=`; see layers/lora.py) and `convolution_op`."""

    # A subclass overriding `convolution_op` (keras-io's StandardizedConv2D) gets it called by `call`, as
    # Keras' convolutions always do. Decided once per class: the built-ins keep BaseConv's direct `call`.
    _own_convolution_op = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._own_convolution_op = cls.convolution_op is not _Conv.convolution_op
        if cls._own_convolution_op and cls.call is BaseConv.call:
            cls.call = _Conv._call_through_convolution_op

    def __init__(self, *args, lora_rank=None, lora_alpha=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_lora(lora_rank, lora_alpha)

    def _call_through_convolution_op(self, inputs):
        outputs = self.convolution_op(inputs, self.kernel)
        if self.use_bias:
            outputs = outputs + (self.bias if self.data_format == "channels_last"
                                 else self.bias.reshape((-1,) + (1,) * self.rank))
        return self.activation(outputs)

    def build(self, input_shape):
        super().build(input_shape)
        self._build_lora()

    def convolution_op(self, inputs, kernel):
        """The layer's convolution (strides, padding, dilation, groups, data_format) of `inputs` with
        `kernel` in Keras' layout (k..., in_channels / groups, filters); no bias, no activation."""
        kernel = torch.as_tensor(kernel)
        x, pad = self._pad_for(self._to_channels_first(torch.as_tensor(inputs).to(kernel.dtype)))
        weight = kernel.permute(*self._torch_order())
        if self._lift:
            weight = weight.unsqueeze(2)
        outputs = _CONV[self.rank](x, weight, None, self._torch_strides, pad, self._torch_dilation, self.groups)
        return self._from_channels_first(outputs)

    def get_config(self):
        return self._lora_config(super().get_config())


class Conv1D(_Conv):
    """Temporal convolution over (batch, steps, channels). Also `padding='causal'` (left padding only),
    so output step t never sees inputs after t, as WaveNet-style models need."""

    rank = 1
    allowed_padding = ("valid", "same", "causal")

    def __init__(self, filters=None, kernel_size=None, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True, **kwargs):
        # data_format=None follows keras.config.image_data_format(), as in Keras 3 (tf-keras 2 pinned
        # 1-D layers to channels_last; so did Keras 1's 'th' ordering: config.one_d_data_format); 'causal'
        # pads the steps axis wherever the channels are.
        if data_format is None and kwargs.get("dim_ordering") is None:
            data_format = config.one_d_data_format()
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                         activation, use_bias, **kwargs)


class Conv2D(_Conv):
    """Spatial convolution over (batch, rows, cols, channels), or channels_first."""

    rank = 2

    def __init__(self, filters=None, kernel_size=None, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, **kwargs):
        if "nb_row" in kwargs or "nb_col" in kwargs:
            kernel_size = (kwargs.pop("nb_row", kernel_size), kwargs.pop("nb_col", kernel_size))
        elif _is_int(kernel_size) and _is_int(strides) and KERAS1_MARKERS.intersection(kwargs):
            kernel_size, strides = (kernel_size, strides), (1, 1)  # Keras 1: Conv2D(n, nb_row, nb_col, ...)
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                         activation, use_bias, **kwargs)


class Conv3D(_Conv):
    """Volumetric convolution over (batch, depth, rows, cols, channels), or channels_first."""

    rank = 3

    def __init__(self, filters=None, kernel_size=None, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True, **kwargs):
        if any(k in kwargs for k in ("kernel_dim1", "kernel_dim2", "kernel_dim3")):
            kernel_size = tuple(kwargs.pop(f"kernel_dim{i}", kernel_size) for i in (1, 2, 3))
        elif _is_int(kernel_size) and _is_int(strides) and _is_int(padding) and KERAS1_MARKERS.intersection(kwargs):
            kernel_size, strides, padding = (kernel_size, strides, padding), (1, 1, 1), "valid"
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                         activation, use_bias, **kwargs)


def _keras1_kernel(args, kwargs, rank, names):
    """`(nb_filter, d1, ..., d_rank, ...)` positional or keyword -> (filters, kernel_size) keywords."""
    args = list(args)
    if args:
        kwargs.setdefault("filters", args.pop(0))
    if "nb_filter" in kwargs:
        kwargs["filters"] = kwargs.pop("nb_filter")
    dims = [kwargs.pop(name) for name in names if name in kwargs]
    while args and len(dims) < rank and _is_int(args[0]):
        dims.append(args.pop(0))
    if args:
        raise TypeError(f"Keras 1 convolution takes (nb_filter, {', '.join(names)}) positionally; "
                        f"pass the other arguments by keyword, received extra {args}")
    if dims and "kernel_size" not in kwargs:
        kwargs["kernel_size"] = tuple(dims) if len(dims) == rank else dims[0]
    return kwargs


class Convolution2D(Conv2D):
    """Keras 1: `Convolution2D(nb_filter, nb_row, nb_col, border_mode=..., subsample=...)`."""

    def __new__(cls, *args, **kwargs):
        return Conv2D(**_keras1_kernel(args, kwargs, 2, ("nb_row", "nb_col")))


class AtrousConvolution2D(Conv2D):
    """Keras 1: `AtrousConvolution2D(nb_filter, nb_row, nb_col, atrous_rate=(2, 2))`."""

    def __new__(cls, *args, **kwargs):
        return Conv2D(**_keras1_kernel(args, kwargs, 2, ("nb_row", "nb_col")))


class Convolution3D(Conv3D):
    """Keras 1: `Convolution3D(nb_filter, kernel_dim1, kernel_dim2, kernel_dim3, ...)`."""

    def __new__(cls, *args, **kwargs):
        return Conv3D(**_keras1_kernel(args, kwargs, 3, ("kernel_dim1", "kernel_dim2", "kernel_dim3")))


# Keras 1's 1-D names take the same positional arguments as Conv1D; its aliases understand the rest.
Convolution1D = Conv1D
AtrousConvolution1D = Conv1D
