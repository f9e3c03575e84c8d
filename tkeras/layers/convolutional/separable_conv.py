"""SeparableConv1D/2D: a depthwise conv (strides, dilation and padding apply here) then a 1x1 conv.

Weights in Keras' order and layout: depthwise_kernel (k..., in, depth_multiplier), pointwise_kernel
(1..., in*depth_multiplier, filters), bias (filters,). The bias is added once, after the pointwise
step, as Keras does.
"""
from tkeras import constraints, initializers, regularizers
from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.convolutional.base_conv import _CONV, BaseConv
from tkeras.layers.convolutional.depthwise_conv import BaseDepthwiseConv
from tkeras.saving.config_compat import in_keras_order


class BaseSeparableConv(BaseConv):
    def __init__(self, filters=None, kernel_size=None, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        utils.pop_fixed_groups(kwargs, type(self).__name__)
        # tf-keras 2 also writes its Conv base class' kernel_* entries; a separable conv has no such kernel.
        for unused in ("kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            kwargs.pop(unused, None)
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, 1, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer,
                         bias_regularizer, activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        if self.depth_multiplier <= 0:
            raise ValueError(f"{type(self).__name__}: depth_multiplier must be a positive integer, "
                             f"received depth_multiplier={depth_multiplier!r}")
        self.depthwise_initializer = self.kernel_initializer  # Keras' names for the base class' kernel_*
        self.depthwise_regularizer = self.kernel_regularizer
        self.depthwise_constraint = self.kernel_constraint
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def _make_weights(self, channels):
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel", shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    _depthwise_weight = BaseDepthwiseConv._depthwise_weight

    def call(self, inputs):
        conv = _CONV[self.rank]
        x, pad = self._pad_for(self._to_channels_first(inputs))
        x = conv(x, self._depthwise_weight(), None, self._torch_strides, pad, self._torch_dilation, x.shape[1])
        pointwise = self.pointwise_kernel.permute(self.rank + 1, self.rank, *range(self.rank))
        if self._lift:
            pointwise = pointwise.unsqueeze(2)
        outputs = conv(x, pointwise, self.bias)
        return self.activation(self._from_channels_first(outputs))

    def get_config(self):
        config = super().get_config()
        for key in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key, None)
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.kernel_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.kernel_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.kernel_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
        })
        return in_keras_order(config, _KERAS_ORDER)


# Keras 3's order of a separable convolution's config.
_KERAS_ORDER = ("name", "trainable", "dtype", "depth_multiplier", "filters", "kernel_size", "strides", "padding",
                "data_format", "dilation_rate", "activation", "use_bias", "depthwise_initializer",
                "pointwise_initializer", "bias_initializer", "depthwise_regularizer", "pointwise_regularizer",
                "bias_regularizer", "activity_regularizer", "depthwise_constraint", "pointwise_constraint",
                "bias_constraint")


class SeparableConv1D(BaseSeparableConv):
    rank = 1


class SeparableConv2D(BaseSeparableConv):
    rank = 2


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
