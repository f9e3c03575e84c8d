"""Conv1DTranspose / Conv2DTranspose (Keras 1: Deconvolution2D), with TensorFlow's output geometry.

A transposed conv scatters each input position over a window; the full scatter has length
`(n - 1) * s + k_eff`. TensorFlow then keeps the window a forward 'same'/'valid' conv of the target
output size would have read: it crops `pad_before` at the start (the odd extra at the end) and, when
the stride exceeds the kernel, appends zeros. Torch's `padding` crops symmetrically only, so the
asymmetric cases crop/pad here. Keras stores the kernel as (k..., filters, in_channels).
"""
import torch.nn.functional as F

from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.convolutional.base_conv import BaseConv, store_in_torch_order

_CONV_TRANSPOSE = {1: F.conv_transpose2d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}  # 1-D lifted


def transpose_output_length(length, kernel, stride, padding, output_padding=None, dilation=1):
    """Keras' deconv_output_length: the output size along one axis (None stays None)."""
    if length is None:
        return None
    k_eff = utils.effective_kernel(kernel, dilation)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(k_eff - stride, 0)
        return length * stride
    pad = k_eff // 2 if padding == "same" else 0
    return (length - 1) * stride + k_eff - 2 * pad + output_padding


class BaseConvTranspose(BaseConv):
    def __init__(self, filters=None, kernel_size=None, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True, **kwargs):
        utils.pop_fixed_groups(kwargs, type(self).__name__)
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, 1,
                         activation, use_bias, **kwargs)
        label = type(self).__name__
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = utils.normalize_tuple(output_padding, self.rank, "output_padding", label,
                                                        allow_zero=True)
            for op, s, d in zip(self.output_padding, self.strides, self.dilation_rate):
                if op >= max(s, d):
                    raise ValueError(f"{label}: each output_padding must be smaller than its stride "
                                     f"(or dilation), received output_padding={self.output_padding}, "
                                     f"strides={self.strides}")

    def _make_weights(self, channels):
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        store_in_torch_order(self.kernel, self._torch_order())
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def _targets(self, spatial):
        ops = self.output_padding or (None,) * self.rank
        return [transpose_output_length(n, k, s, self.padding, op, d)
                for n, k, s, op, d in zip(spatial, self.kernel_size, self.strides, ops, self.dilation_rate)]

    def call(self, inputs):
        x = self._to_channels_first(inputs)
        spatial = self._spatial(x)
        targets = self._targets(spatial)
        weight = self._torch_kernel()  # (k..., out, in) -> torch's (in, out, k...)
        full = [(n - 1) * s + utils.effective_kernel(k, d)
                for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]
        crops = []
        for target, length, k, s, d in zip(targets, full, self.kernel_size, self.strides, self.dilation_rate):
            before = utils.same_padding(target, k, s, d)[0] if self.padding == "same" else 0
            crops.append((before, length - before - target))  # negative after: zeros to append
        if self._lift:
            crops = [(0, 0)] + crops
        conv_transpose = _CONV_TRANSPOSE[self.rank]
        if all(b == a for b, a in crops):
            outputs = conv_transpose(x, weight, self.bias, self._torch_strides, tuple(b for b, _ in crops),
                                     0, 1, self._torch_dilation)
        else:
            outputs = conv_transpose(x, weight, None, self._torch_strides, 0, 0, 1, self._torch_dilation)
            outputs = F.pad(outputs, utils.torch_pad_spec([(-b, -a) for b, a in crops]))
            if self.bias is not None:
                outputs = outputs + self.bias.view(-1, *([1] * (outputs.dim() - 2)))
        return self.activation(self._from_channels_first(outputs))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = utils.spatial_dims(input_shape, self.rank, self.data_format)
        return utils.with_spatial(input_shape, self._targets(spatial), self.filters, self.data_format)

    def build(self, input_shape):
        # A transposed conv grows its input, so no window can be "too large" for it.
        padding, self.padding = self.padding, "same"
        try:
            super().build(input_shape)
        finally:
            self.padding = padding

    def get_config(self):
        config = super().get_config()
        config.pop("groups", None)
        config["output_padding"] = self.output_padding
        # Keras 3 writes output_padding right after padding.
        keys = list(config)
        keys.insert(keys.index("padding") + 1, keys.pop(keys.index("output_padding")))
        return {key: config[key] for key in keys}


class Conv1DTranspose(BaseConvTranspose):
    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    rank = 2

    def __init__(self, filters=None, kernel_size=None, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True, **kwargs):
        # Keras 1 Deconvolution2D(nb_filter, nb_row, nb_col, output_shape, ...): the shape is implied.
        kwargs.pop("output_shape", None)
        if "nb_row" in kwargs or "nb_col" in kwargs:
            kernel_size = (kwargs.pop("nb_row", kernel_size), kwargs.pop("nb_col", kernel_size))
        super().__init__(filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         activation, use_bias, **kwargs)


class Conv3DTranspose(BaseConvTranspose):
    rank = 3


class Deconvolution2D(Conv2DTranspose):
    """Keras 1: `Deconvolution2D(nb_filter, nb_row, nb_col, output_shape, ...)`; builds a Conv2DTranspose."""

    def __new__(cls, *args, **kwargs):
        args = list(args)
        names = ("nb_filter", "nb_row", "nb_col", "output_shape")
        for name, value in zip(names, args):
            kwargs[name] = value
        return Conv2DTranspose(**kwargs)


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
