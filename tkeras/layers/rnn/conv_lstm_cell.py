"""ConvLSTMCell: an LSTM step whose input and recurrent transforms are convolutions (Keras 3 layout).

Weights are Keras': kernel (k..., in, 4*filters), recurrent_kernel (k..., filters, 4*filters) and bias
(4*filters,), the gates in LSTM's order i, f, c, o. Torch convolves channels_first with kernels laid
out (out, in, k...), so the cell works internally on channels_first tensors and converts at its edges;
the four gates of the input (and of the state) are one convolution with 4*filters outputs. Keras drops
inputs with a separate mask per gate; then the four masked copies are stacked on the channel axis and
convolved as one grouped convolution (groups=4), still a single kernel call.

The input convolution does not depend on the state, so `ConvLSTM` computes it for every time step in
one call (`input_gates` over batch*time) and loops only over the recurrent convolution (`step`).
"""
import numbers

import torch
import torch.nn.functional as F

from tkeras import activations, constraints, initializers, regularizers
from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.convolutional.base_conv import store_in_torch_order
from tkeras.layers.layer import InputSpec, Layer
from tkeras.layers.layer_inputs import to_torch
from tkeras.layers.rnn.dropout_cell import DropoutRNNCell, _keep_mask
from tkeras.layers.rnn.lstm import _ForgetGateOnes
from tkeras.ops.random import SeedGenerator

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_GATES = 4


def _rate(label, name, value):
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{label}: {name} must be a number in [0, 1], received {name}={value!r}")
    return value


class ConvLSTMCell(DropoutRNNCell, Layer):
    """One step of a convolutional LSTM over `rank` spatial axes (1, 2 or 3)."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        label = type(self).__name__
        if rank not in (1, 2, 3):
            raise ValueError(f"{label}: rank must be 1, 2 or 3 (the number of spatial axes), received rank={rank!r}")
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{label}: filters must be a positive integer, received filters={filters!r}")
        if kernel_size is None:
            raise ValueError(f"{label}: kernel_size is required, e.g. kernel_size=3")
        self.rank = rank
        self.filters = filters
        self.kernel_size = utils.normalize_tuple(kernel_size, rank, "kernel_size", label)
        self.strides = utils.normalize_tuple(strides, rank, "strides", label)
        self.padding = utils.normalize_padding(padding, label)
        self.data_format = utils.normalize_data_format(data_format, label)
        self.dilation_rate = utils.normalize_tuple(dilation_rate, rank, "dilation_rate", label)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{label}: strides > 1 and dilation_rate > 1 cannot be combined (as in Keras), "
                             f"received strides={self.strides}, dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = _rate(label, "dropout", dropout)
        self.recurrent_dropout = _rate(label, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        # As Keras' cells: a generator whose state is listed in `variables` (masks here come from torch's
        # generator). Only an integer seeds it; Keras refuses others, which tkeras' cells have accepted.
        integer_seed = isinstance(seed, numbers.Integral) and not isinstance(seed, bool)
        self.seed_generator = SeedGenerator(seed if integer_seed else None)
        # Two states (h, c), each shaped like one output step; their sizes are known once built.
        self.state_size = [-1, -1]
        self.input_spec = InputSpec(ndim=rank + 2)
        self._channel_axis = 1 if self.data_format == "channels_first" else -1
        self._torch_order = (rank + 1, rank, *range(rank))  # (k..., in, out) -> (out, in, k...)

    # -- building -------------------------------------------------------------------------------
    def build(self, input_shape):
        input_shape = tuple(input_shape)
        label = f"{type(self).__name__} {self.name!r}"
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"{label} expects {self.rank + 2}-D steps (batch, spatial..., channels), "
                             f"received step shape {input_shape}")
        self.spatial_dims = tuple(utils.spatial_dims(input_shape, self.rank, self.data_format))
        if None in self.spatial_dims:
            raise ValueError(f"{label}: ConvLSTM layers need static spatial dimensions, received input "
                             f"shape {input_shape} (give the Input its full shape)")
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(f"{label}: the channel dimension of the input must be known, received input "
                             f"shape {input_shape} (data_format={self.data_format!r})")
        utils.check_window_fits(self, self.spatial_dims, self.kernel_size, self.dilation_rate, self.padding)
        self.input_dim = int(channels)
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (self.input_dim, _GATES * self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel", shape=self.kernel_size + (self.filters, _GATES * self.filters),
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        store_in_torch_order(self.kernel, self._torch_order)
        store_in_torch_order(self.recurrent_kernel, self._torch_order)
        self.bias = None
        if self.use_bias:
            bias_init = _ForgetGateOnes(self.bias_initializer, self.filters) if self.unit_forget_bias \
                else self.bias_initializer
            self.bias = self.add_weight(name="bias", shape=(_GATES * self.filters,), initializer=bias_init,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.output_spatial_dims = tuple(
            utils.output_length(n, k, s, self.padding, d)
            for n, k, s, d in zip(self.spatial_dims, self.kernel_size, self.strides, self.dilation_rate))
        self._input_padding = utils.padding_amounts(self.spatial_dims, self.kernel_size, self.strides,
                                                    self.padding, self.dilation_rate)
        self._recurrent_padding = utils.padding_amounts(self.output_spatial_dims, self.kernel_size,
                                                        (1,) * self.rank, "same", (1,) * self.rank)
        self.built = True

    def state_shape(self, batch_size=None):
        """The shape of h (and c) in the cell's data_format."""
        return utils.with_spatial((batch_size,), self.output_spatial_dims, self.filters, self.data_format)

    def compute_output_shape(self, input_shape, states_shape=None):
        spatial = utils.spatial_dims(input_shape, self.rank, self.data_format)
        out = [utils.output_length(n, k, s, self.padding, d)
               for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]
        shape = utils.with_spatial(tuple(input_shape), out, self.filters, self.data_format)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None):
        shape = self.state_shape(batch_size)
        zeros = torch.zeros(shape, dtype=self.torch_dtype, device=self.kernel.device)
        return [zeros, zeros.clone()]

    # -- layouts ----------------------------------------------------------------------------------
    def to_channels_first(self, x):
        return x if self.data_format == "channels_first" else x.movedim(-1, 1)

    def from_channels_first(self, x):
        return x if self.data_format == "channels_first" else x.movedim(1, -1)

    # -- dropout masks: one per gate, as Keras draws them ---------------------------------------------
    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and 0.0 < self.dropout < 1.0:
            self._dropout_mask = _keep_mask(step_input.expand((_GATES,) + step_input.shape), self.dropout,
                                            self._mask_generator(step_input))
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, state):
        if self._recurrent_dropout_mask is None and 0.0 < self.recurrent_dropout < 1.0:
            self._recurrent_dropout_mask = _keep_mask(state.expand((_GATES,) + state.shape),
                                                      self.recurrent_dropout, self._mask_generator(state))
        return self._recurrent_dropout_mask

    # -- the two convolutions ---------------------------------------------------------------------
    def _convolve(self, x, kernel, strides, dilation, amounts, gate_masks):
        """x (n, c, s...) channels_first; gate_masks (4, n, c, s...) or None -> (n, 4*filters, s'...)."""
        weight = kernel.permute(*self._torch_order)  # (4*filters, c, k...)
        groups = 1
        if gate_masks is not None:  # four differently masked copies, one group per gate
            x = (x.unsqueeze(0) * gate_masks).movedim(0, 1).flatten(1, 2)
            groups = _GATES
        if all(before == after for before, after in amounts):
            padding = tuple(before for before, _ in amounts)
        else:
            x, padding = F.pad(x, utils.torch_pad_spec(amounts)), 0
        return _CONV[self.rank](x, weight, None, strides, padding, dilation, groups)

    def input_gates(self, x, gate_masks=None):
        """The input's contribution to all four gates, bias included; channels_first in and out."""
        z = self._convolve(x, self.kernel, self.strides, self.dilation_rate, self._input_padding, gate_masks)
        if self.bias is not None:
            z = z + self.bias.reshape((-1,) + (1,) * self.rank)
        return z

    def recurrent_gates(self, h, gate_masks=None):
        return self._convolve(h, self.recurrent_kernel, 1, 1, self._recurrent_padding, gate_masks)

    def step(self, x_gates, h, c, recurrent_masks=None):
        """One LSTM update from precomputed input gates; all channels_first."""
        z = x_gates + self.recurrent_gates(h, recurrent_masks)
        z_i, z_f, z_c, z_o = z.chunk(_GATES, dim=1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c + i * self.activation(z_c)
        h = self.recurrent_activation(z_o) * self.activation(c)
        return h, c

    def call(self, inputs, states, training=False):
        """One step in the cell's data_format (the RNN layer runs `input_gates`/`step` directly)."""
        h, c = [s if isinstance(s, torch.Tensor) else to_torch(s, self.dtype) for s in states]
        input_masks = recurrent_masks = None
        if training:
            input_masks = self.get_dropout_mask(inputs)
            recurrent_masks = self.get_recurrent_dropout_mask(h)
            if not getattr(self, "_in_sequence", False):  # called on its own: fresh masks next call
                self.reset_dropout_mask()
                self.reset_recurrent_dropout_mask()
        cf = self.to_channels_first
        x_gates = self.input_gates(cf(inputs), _channels_first_masks(input_masks, cf))
        h, c = self.step(x_gates, cf(h), cf(c), _channels_first_masks(recurrent_masks, cf))
        h, c = self.from_channels_first(h), self.from_channels_first(c)
        return h, [h, c]

    # -- configuration ----------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update(self._cell_config())
        return config

    def _cell_config(self):
        """The arguments Keras writes for a ConvLSTM cell and layer, in Keras' order."""
        return {
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


def _channels_first_masks(masks, to_channels_first):
    """(4, n, ...) masks in the data_format -> (4, n, c, s...)."""
    if masks is None:
        return None
    return torch.stack([to_channels_first(m) for m in masks.unbind(0)])
