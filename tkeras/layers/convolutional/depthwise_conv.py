"""DepthwiseConv1D/2D: each input channel convolved with its own `depth_multiplier` filters.

Keras stores the kernel as (k..., in_channels, depth_multiplier) and orders the outputs channel by
channel (output c * depth_multiplier + m comes from input c), which is exactly torch's grouped
convolution with groups=in_channels: the kernel reshapes to (in*dm, 1, k...) with no data shuffle.
"""
from tkeras import constraints, initializers, regularizers
from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.convolutional.base_conv import _CONV, BaseConv
from tkeras.saving.config_compat import in_keras_order


class BaseDepthwiseConv(BaseConv):
    def __init__(self, kernel_size=None, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        kwargs.pop("filters", None)  # accepted (and ignored) like Keras' base class
        utils.pop_fixed_groups(kwargs, type(self).__name__)
        self.depth_multiplier = int(depth_multiplier)
        super().__init__(self.depth_multiplier, kernel_size, strides, padding, data_format, dilation_rate, 1,
                         activation, use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer,
                         bias_regularizer, activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        self.filters = None
        # Keras' names for what the base class files under kernel_*.
        self.depthwise_initializer = self.kernel_initializer
        self.depthwise_regularizer = self.kernel_regularizer
        self.depthwise_constraint = self.kernel_constraint

    def _init_filters(self, filters, label):
        if self.depth_multiplier <= 0:
            raise ValueError(f"{label}: depth_multiplier must be a positive integer, "
                             f"received depth_multiplier={self.depth_multiplier}")
        self.filters = self.depth_multiplier

    def _make_weights(self, channels):
        self._in_channels = channels
        # Keras 3 names this weight "kernel" (tf-keras 2 said "depthwise_kernel"); the attribute keeps both.
        self.depthwise_kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(channels * self.depth_multiplier,),
                                        initializer=self.bias_initializer, regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def _depthwise_weight(self):
        """(k..., in, dm) -> torch's grouped (in*dm, 1, k...)."""
        kernel = self.depthwise_kernel
        flat = kernel.reshape(*self.kernel_size, -1)
        weight = flat.permute(self.rank, *range(self.rank)).unsqueeze(1)
        return weight.unsqueeze(2) if self._lift else weight

    def call(self, inputs):
        x, pad = self._pad_for(self._to_channels_first(inputs))
        outputs = _CONV[self.rank](x, self._depthwise_weight(), self.bias, self._torch_strides, pad,
                                   self._torch_dilation, x.shape[1])
        return self.activation(self._from_channels_first(outputs))

    def compute_output_shape(self, input_shape):
        channels = input_shape[self._channel_axis]
        shape = list(super().compute_output_shape(input_shape))
        shape[self._channel_axis] = None if channels is None else channels * self.depth_multiplier
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key, None)
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.kernel_initializer),
            "depthwise_regularizer": regularizers.serialize(self.kernel_regularizer),
            "depthwise_constraint": constraints.serialize(self.kernel_constraint),
        })
        return in_keras_order(config, _KERAS_ORDER)


# Keras 3's order of a depthwise convolution's config.
_KERAS_ORDER = ("name", "trainable", "dtype", "depth_multiplier", "kernel_size", "strides", "padding", "data_format",
                "dilation_rate", "activation", "use_bias", "depthwise_initializer", "bias_initializer",
                "depthwise_regularizer", "bias_regularizer", "activity_regularizer", "depthwise_constraint",
                "bias_constraint")


class DepthwiseConv1D(BaseDepthwiseConv):
    rank = 1


class DepthwiseConv2D(BaseDepthwiseConv):
    rank = 2
