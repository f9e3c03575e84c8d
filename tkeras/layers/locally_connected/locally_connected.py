"""LocallyConnected1D/2D (tf-keras 2): a convolution whose weights are not shared between positions.

Keras 3 removed these layers; tkeras keeps them so tf-keras models and their .h5 files load. The
weights are stored in tf-keras' layout for the chosen `implementation`, so a file's kernels load
as they are:

- 1: kernel (output positions, window * channels, filters); the window flattened in the data_format's
  order. Computed as here: the input's windows (`unfold`) times each position's own matrix.
- 2: kernel (input spatial..., channels, output spatial..., filters) channels_last, or (channels,
  input spatial..., filters, output spatial...) channels_first: a dense layer between the flattened
  input and output, masked to the windows. One matmul; memory grows with input * output size.
- 3: kernel: the nonzero entries of that dense matrix, listed in tf-keras' sorted index order.

The bias is (output spatial..., filters) in every case; for channels_first tf-keras *reshapes* it to
(filters, output spatial...) rather than transposing it, and so does tkeras, to compute the same.
"""
import numpy as np
import torch

from tkeras import activations, constraints, initializers, regularizers
from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.convolutional.base_conv import KERAS1_MARKERS, translate_keras1_kwargs
from tkeras.layers.layer import InputSpec, Layer
from tkeras.layers.locally_connected import _connectivity


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


class LocallyConnected(Layer):
    """Unshared N-d convolution; LocallyConnected1D/2D fix `rank`."""
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, implementation=1, **kwargs):
        label = type(self).__name__
        if KERAS1_MARKERS.intersection(kwargs):  # Keras 1: border_mode=, subsample=, init=, W_regularizer=...
            args = translate_keras1_kwargs(kwargs, {
                "filters": filters, "kernel_size": kernel_size, "strides": strides, "padding": padding,
                "data_format": data_format, "use_bias": use_bias, "kernel_initializer": kernel_initializer,
                "kernel_regularizer": kernel_regularizer, "bias_regularizer": bias_regularizer,
                "kernel_constraint": kernel_constraint, "bias_constraint": bias_constraint, "dilation_rate": 1})
            if args.pop("dilation_rate") not in (1, (1,) * self.rank):
                raise ValueError(f"{label}: a locally connected layer has no dilation (atrous_rate)")
            filters, kernel_size, strides, padding = (args[k] for k in ("filters", "kernel_size", "strides", "padding"))
            data_format, use_bias, kernel_initializer = args["data_format"], args["use_bias"], args["kernel_initializer"]
            kernel_regularizer, bias_regularizer = args["kernel_regularizer"], args["bias_regularizer"]
            kernel_constraint, bias_constraint = args["kernel_constraint"], args["bias_constraint"]
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f"{label}: filters must be a positive integer, received filters={filters!r}")
        self.filters = int(filters)
        self.kernel_size = utils.normalize_tuple(kernel_size, self.rank, "kernel_size", label)
        self.strides = utils.normalize_tuple(strides, self.rank, "strides", label)
        self.padding = utils.normalize_padding(padding, label)
        self.data_format = utils.normalize_data_format(data_format, label)
        if implementation not in (1, 2, 3):
            raise ValueError(f"{label}: implementation must be 1, 2 or 3 (tf-keras' weight layouts), "
                             f"received implementation={implementation!r}")
        if self.padding != "valid" and implementation == 1:
            raise ValueError(f"{label}: padding='same' needs implementation=2 or 3; implementation=1 (the "
                             f"default) supports only padding='valid'")
        self.implementation = implementation
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self._channels_last = self.data_format == "channels_last"

    # -- building ---------------------------------------------------------------------------------
    def build(self, input_shape):
        input_shape = tuple(input_shape)
        label = f"{type(self).__name__} layer {self.name!r}"
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"{label} expects {self.rank + 2}-D inputs, received input shape {input_shape}")
        spatial = tuple(utils.spatial_dims(input_shape, self.rank, self.data_format))
        channels = input_shape[-1 if self._channels_last else 1]
        if channels is None or None in spatial:
            raise ValueError(f"{label}: every dimension but the batch must be known (each position has its "
                             f"own weights), received input shape {input_shape}")
        out = tuple(_connectivity.output_length(n, k, self.padding, s)
                    for n, k, s in zip(spatial, self.kernel_size, self.strides))
        if min(out) <= 0:
            raise ValueError(f"{label}: the input's spatial size {spatial} is smaller than kernel_size "
                             f"{self.kernel_size}, which gives an output of size {out}; use a larger input "
                             f"or a smaller kernel_size")
        self.input_spatial, self.output_spatial, self.input_channels = spatial, out, int(channels)
        self.kernel = self.add_weight(name="kernel", shape=self._kernel_shape(), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.kernel_shape = tuple(self.kernel.shape)  # tf-keras' build-time attributes
        if self.rank == 1:
            self.output_length = out[0]
        else:
            self.output_row, self.output_col = out
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=out + (self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self._connections = None  # the mask (2) or index pairs (3), made on the first call's device
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1 if self._channels_last else 1: self.input_channels})
        self.built = True

    def _kernel_shape(self):
        spatial, out, c, f = self.input_spatial, self.output_spatial, self.input_channels, self.filters
        if self.implementation == 1:
            return (int(np.prod(out)), int(np.prod(self.kernel_size)) * c, f)
        if self.implementation == 2:
            return spatial + (c,) + out + (f,) if self._channels_last else (c,) + spatial + (f,) + out
        return (len(self._indices()),)

    def _mask(self):
        mask = _connectivity.kernel_mask(self.input_spatial, self.kernel_size, self.strides, self.padding)
        rank = self.rank
        if self._channels_last:  # (in..., 1, out..., 1)
            return np.expand_dims(np.expand_dims(mask, rank), -1)
        return np.expand_dims(np.expand_dims(mask, 0), rank + 1)  # (1, in..., 1, out...)

    def _indices(self):
        return _connectivity.kernel_indices(self.input_spatial, self.kernel_size, self.strides, self.padding,
                                            self.input_channels, self.filters, self.data_format)

    def _connections_on(self, device):
        if self._connections is None or self._connections.device != device:
            made = self._mask() if self.implementation == 2 else self._indices()
            self._connections = torch.as_tensor(made, device=device)
        return self._connections

    # -- forward ----------------------------------------------------------------------------------
    def _windows(self, x):
        """(batch, positions, window * channels) in tf-keras' flattening order (window, channels) for
        channels_last and (channels, window) for channels_first."""
        offset = 1 if self._channels_last else 2
        for axis, (k, s) in enumerate(zip(self.kernel_size, self.strides)):
            x = x.unfold(offset + axis, k, s)  # window sizes go last, in axis order
        rank = self.rank
        if self._channels_last:  # (b, out..., c, k...) -> (b, out..., k..., c)
            x = x.movedim(1 + rank, -1)
        else:  # (b, c, out..., k...) -> (b, out..., c, k...)
            x = x.movedim(1, 1 + rank)
        return x.reshape(x.shape[0], int(np.prod(self.output_spatial)), -1)

    def call(self, inputs):
        batch = inputs.shape[0]
        out_shape = self.output_spatial + (self.filters,) if self._channels_last \
            else (self.filters,) + self.output_spatial
        if self.implementation == 1:
            y = torch.einsum("bpi,pif->bpf", self._windows(inputs), self.kernel)
            y = y.reshape((batch,) + self.output_spatial + (self.filters,))
            if not self._channels_last:
                y = y.movedim(-1, 1)
        elif self.implementation == 2:
            weight = self.kernel * self._connections_on(self.kernel.device)
            weight = weight.reshape(int(np.prod(inputs.shape[1:])), -1)
            y = (inputs.reshape(batch, -1) @ weight).reshape((batch,) + out_shape)
        else:
            pairs = self._connections_on(self.kernel.device)
            dense = self.kernel.new_zeros((int(np.prod(out_shape)), int(np.prod(inputs.shape[1:]))))
            dense = dense.index_put((pairs[:, 0], pairs[:, 1]), self.kernel)
            y = (inputs.reshape(batch, -1) @ dense.T).reshape((batch,) + out_shape)
        if self.bias is not None:
            y = y + (self.bias if self._channels_last else self.bias.reshape(out_shape))
        return self.activation(y)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = utils.spatial_dims(input_shape, self.rank, self.data_format)
        out = [None if n is None else _connectivity.output_length(n, k, self.padding, s)
               for n, k, s in zip(spatial, self.kernel_size, self.strides)]
        return utils.with_spatial(input_shape, out, self.filters, self.data_format)

    # -- configuration ----------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "implementation": self.implementation,
        })
        return config


class LocallyConnected1D(LocallyConnected):
    """Unshared 1-D convolution over (batch, steps, channels) inputs (tf-keras 2)."""
    rank = 1


class LocallyConnected2D(LocallyConnected):
    """Unshared 2-D convolution over (batch, rows, cols, channels) inputs (tf-keras 2). Keras 1's
    `LocallyConnected2D(64, 3, 3, border_mode='valid')` (nb_row, nb_col) is read as such when Keras 1
    keywords show the call is Keras 1 code, as `Conv2D` does."""
    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, implementation=1, **kwargs):
        if _is_int(kernel_size) and _is_int(strides) and KERAS1_MARKERS.intersection(kwargs):
            kernel_size, strides = (kernel_size, strides), (1, 1)
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         implementation=implementation, **kwargs)
