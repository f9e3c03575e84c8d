"""The machinery every Keras convolution shares: argument handling (Keras 1/2/3 spellings), the
Keras kernel layout, and the channels_last -> torch channels_first fast path.

Keras stores a kernel as (k..., in/groups, out) and lays activations out channels_last; torch's
convolutions want (out, in/groups, k...) and channels_first. Rather than store torch's layout (and
break `get_weights()`/files), the kernel is permuted on the fly (a view; torch makes one small
contiguous copy) and the input is permuted as a view. The permutes are views, so a following
layer that permutes back (pooling, another conv) pays nothing for the round trip.

The kernel Variable itself keeps Keras' shape but is *stored* in torch's order (its strides are
those of a permuted contiguous (out, in, k...) tensor). Permuting it for torch is then free: no
weight copy per forward, and the weight gradient lands in the same strides with no copy either.
Everything that reads values (get_weights, NumPy, files, optimizers) sees Keras' layout.

1-D convolutions run as 2-D ones over a (batch, channels, 1, steps) view: for channels_last data
that view has torch's channels_last *memory format*, which oneDNN convolves in place, where a
(batch, channels, steps) view would first be reordered to channels_first (measured: the Conv1D +
MaxPooling1D block of bench/bench_conv.py runs ~1.5x faster this way, forward + backward).
"""
import torch
import torch.nn.functional as F

from tkeras import activations, constraints, initializers, regularizers
from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.layer import InputSpec, Layer

_CONV = {1: F.conv2d, 2: F.conv2d, 3: F.conv3d}  # 1-D runs lifted to 2-D (see above)

# Keras 1 argument names -> Keras 2/3 names, shared by every conv layer.
_KERAS1_NAMES = {"nb_filter": "filters", "filter_length": "kernel_size", "init": "kernel_initializer",
                 "border_mode": "padding", "subsample_length": "strides", "subsample": "strides",
                 "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer",
                 "W_constraint": "kernel_constraint", "b_constraint": "bias_constraint",
                 "bias": "use_bias", "atrous_rate": "dilation_rate", "dim_ordering": "data_format"}
# A Keras 2 `Conv2D(32, 3, 3, border_mode='same')` is Keras 1 code: the third number is nb_col.
KERAS1_MARKERS = frozenset(_KERAS1_NAMES) - {"bias"}


def translate_keras1_kwargs(kwargs, explicit):
    """Move Keras 1 spellings found in `kwargs` onto the Keras 2 names in `explicit`.

    Code that spells an argument the Keras 1 way means it, so the Keras 1 value wins.
    """
    for old, new in _KERAS1_NAMES.items():
        if old in kwargs:
            explicit[new] = kwargs.pop(old)
    return explicit


def layer_label(cls_or_layer):
    return cls_or_layer.__name__ if isinstance(cls_or_layer, type) else type(cls_or_layer).__name__


def lift_1d(values, lift):
    """(s,) -> (1, s) for a 1-D layer running as 2-D; other ranks unchanged."""
    return (1,) + tuple(values) if lift else tuple(values)


def store_in_torch_order(weight, order):
    """Re-lay `weight`'s storage so that `weight.permute(*order)` is contiguous (same values, same shape)."""
    with torch.no_grad():
        inverse = [0] * len(order)
        for position, axis in enumerate(order):
            inverse[axis] = position
        weight.data = weight.detach().permute(*order).contiguous().permute(*inverse)


class BaseConv(Layer):
    """N-d convolution in Keras' layout. Subclasses fix `rank`; the constructor takes Keras 2/3
    arguments, and the Keras 1 spellings (nb_filter, border_mode, subsample, init, W_regularizer...)."""
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    rank = None
    allowed_padding = ("valid", "same")

    def __init__(self, filters=None, kernel_size=None, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        args = translate_keras1_kwargs(kwargs, {
            "filters": filters, "kernel_size": kernel_size, "strides": strides, "padding": padding,
            "data_format": data_format, "dilation_rate": dilation_rate, "kernel_initializer": kernel_initializer,
            "kernel_regularizer": kernel_regularizer, "bias_regularizer": bias_regularizer,
            "kernel_constraint": kernel_constraint, "bias_constraint": bias_constraint, "use_bias": use_bias})
        if self.rank == 1:
            utils.pop_keras1_input_length(kwargs)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        label = layer_label(self)
        self._init_filters(args["filters"], label)
        if args["kernel_size"] is None:
            raise ValueError(f"{label}: kernel_size is required, e.g. {label}({self.filters or 32}, 3)")
        self.kernel_size = utils.normalize_tuple(args["kernel_size"], self.rank, "kernel_size", label)
        self.strides = utils.normalize_tuple(args["strides"], self.rank, "strides", label)
        self.dilation_rate = utils.normalize_tuple(args["dilation_rate"], self.rank, "dilation_rate", label)
        self.padding = utils.normalize_padding(args["padding"], label, self.allowed_padding)
        self.data_format = utils.normalize_data_format(args["data_format"], label)
        self.groups = int(groups)
        if self.groups < 1 or (self.filters is not None and self.filters % self.groups):
            raise ValueError(f"{label}: filters ({self.filters}) must be divisible by groups "
                             f"({groups}), and groups must be a positive integer")
        if any(s > 1 for s in self.strides) and any(d > 1 for d in self.dilation_rate):
            raise ValueError(f"{label}: strides > 1 and dilation_rate > 1 cannot be combined (as in Keras), "
                             f"received strides={self.strides}, dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.use_bias = bool(args["use_bias"])
        self.kernel_initializer = initializers.get(args["kernel_initializer"])
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(args["kernel_regularizer"])
        self.bias_regularizer = regularizers.get(args["bias_regularizer"])
        self.kernel_constraint = constraints.get(args["kernel_constraint"])
        self.bias_constraint = constraints.get(args["bias_constraint"])
        self.input_spec = InputSpec(min_ndim=self.rank + 2)
        self._channel_axis = 1 if self.data_format == "channels_first" else -1
        self._lift = self.rank == 1
        self._torch_strides = lift_1d(self.strides, self._lift)
        self._torch_dilation = lift_1d(self.dilation_rate, self._lift)

    def _init_filters(self, filters, label):
        if filters is None or isinstance(filters, bool) or int(filters) != filters or int(filters) <= 0:
            raise ValueError(f"{label}: filters must be a positive integer, received filters={filters!r}")
        self.filters = int(filters)

    # -- weights ----------------------------------------------------------------------------------
    def _input_channels(self, input_shape):
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(f"{layer_label(self)} layer {self.name!r}: the channel dimension of the input "
                             f"must be known, received input shape {tuple(input_shape)} "
                             f"(data_format={self.data_format!r})")
        return int(channels)

    def build(self, input_shape):
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{layer_label(self)} layer {self.name!r} expects {self.rank + 2}-D input (batch, "
                f"{'spatial..., channels' if self.data_format == 'channels_last' else 'channels, spatial...'}),"
                f" received input shape {tuple(input_shape)}")
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(f"{layer_label(self)} layer {self.name!r}: the number of input channels "
                             f"({channels}) must be divisible by groups ({self.groups})")
        utils.check_window_fits(self, utils.spatial_dims(input_shape, self.rank, self.data_format),
                                self.kernel_size, self.dilation_rate, self.padding)
        self._make_weights(channels)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _make_weights(self, channels):
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (channels // self.groups, self.filters),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        store_in_torch_order(self.kernel, self._torch_order())
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    # -- forward ----------------------------------------------------------------------------------
    def _to_channels_first(self, inputs):
        x = inputs if self.data_format == "channels_first" else inputs.movedim(-1, 1)
        return x.unsqueeze(2) if self._lift else x

    def _from_channels_first(self, outputs):
        if self._lift:
            outputs = outputs.squeeze(2)
        return outputs if self.data_format == "channels_first" else outputs.movedim(1, -1)

    def _spatial(self, x):
        """The layer's own spatial sizes of a (lifted) channels_first tensor."""
        return tuple(x.shape[3:] if self._lift else x.shape[2:])

    def _pad_for(self, x):
        """Torch padding for this input: an int tuple when symmetric, else the input padded here."""
        spatial = self._spatial(x)
        if self.padding == "valid":
            utils.check_window_fits(self, spatial, self.kernel_size, self.dilation_rate, "valid")
            return x, 0
        amounts = utils.padding_amounts(spatial, self.kernel_size, self.strides, self.padding, self.dilation_rate)
        if self._lift:
            amounts = [(0, 0)] + amounts
        if all(before == after for before, after in amounts):
            return x, tuple(before for before, _ in amounts)
        return F.pad(x, utils.torch_pad_spec(amounts)), 0

    def _torch_order(self):
        """The permutation (k..., a, b) -> (b, a, k...): Keras' kernel layout to torch's."""
        return (self.rank + 1, self.rank, *range(self.rank))

    def _torch_kernel(self):
        kernel = self.kernel.permute(*self._torch_order())
        return kernel.unsqueeze(2) if self._lift else kernel

    def call(self, inputs):
        x, pad = self._pad_for(self._to_channels_first(inputs))
        outputs = _CONV[self.rank](x, self._torch_kernel(), self.bias, self._torch_strides, pad,
                                   self._torch_dilation, self.groups)
        return self.activation(self._from_channels_first(outputs))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = utils.spatial_dims(input_shape, self.rank, self.data_format)
        utils.check_window_fits(self, spatial, self.kernel_size, self.dilation_rate, self.padding)
        out = [utils.output_length(n, k, s, self.padding, d)
               for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]
        return utils.with_spatial(input_shape, out, self.filters, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config
