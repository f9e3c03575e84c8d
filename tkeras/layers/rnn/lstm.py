"""LSTM with Keras' weight layout: kernel (input_dim, 4*units), gates in the order i, f, c, o."""
import torch

from tkeras import activations, initializers
from tkeras.layers.rnn import _fused
from tkeras.layers.rnn.dropout_cell import gate_matmul
from tkeras.layers.rnn.layer_dropout_masks import LayerDropoutMasks
from tkeras.layers.rnn._cell_base import CELL_CONFIG_ORDER, RecurrentCell, RecurrentLayer, apply_keras1_names
from tkeras.saving.config_compat import in_keras_order


class _ForgetGateOnes(initializers.Initializer):
    """The bias initializer with the forget-gate quarter set to 1 (`unit_forget_bias`), so that a
    fresh LSTM remembers by default."""

    def __init__(self, base, units):
        super().__init__()
        self.base, self.units = base, units

    def __call__(self, shape, dtype=None):
        u = self.units
        base = torch.as_tensor(self.base((4 * u,), dtype=dtype), dtype=dtype)
        return torch.cat([base[:u], torch.ones(u, dtype=base.dtype), base[2 * u:]])


class LSTMCell(RecurrentCell):
    _gate_count = 4

    def __init__(self, units=None, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 unit_forget_bias=True, **kwargs):
        apply_keras1_names(kwargs)
        units = kwargs.pop("units", units)
        recurrent_activation = kwargs.pop("recurrent_activation", recurrent_activation)
        unit_forget_bias = kwargs.pop("unit_forget_bias", unit_forget_bias)
        implementation = kwargs.pop("implementation", 2)
        super().__init__(units=units, activation=activation, use_bias=use_bias, **kwargs)
        # read by users; both layouts compute the same here. Keras (3 and tf-keras) switches to
        # layout 1 whenever there is recurrent dropout, whatever was asked for.
        self.implementation = 1 if self.recurrent_dropout else int(implementation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        bias_init = _ForgetGateOnes(self.bias_initializer, self.units) if self.unit_forget_bias else None
        self._make_weights(input_shape, 4, (4 * self.units,), bias_init)
        self.built = True

    def call(self, inputs, states, training=None):
        h_previous, c_previous = states[0], states[1]
        input_mask, state_mask = self._step_masks(inputs, h_previous, training)
        z = gate_matmul(inputs, input_mask, self.kernel) + gate_matmul(h_previous, state_mask, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        z_i, z_f, z_c, z_o = z.chunk(4, dim=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_previous + i * self.activation(z_c)
        h = self.recurrent_activation(z_o) * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config["unit_forget_bias"] = self.unit_forget_bias
        return in_keras_order(config, CELL_CONFIG_ORDER)


class LSTM(LayerDropoutMasks, RecurrentLayer):
    """Long short-term memory; the whole sequence runs in torch's fused LSTM kernel when the
    activations are tanh/sigmoid and there is no recurrent dropout."""

    cell_class = LSTMCell

    def __init__(self, units=None, activation="tanh", recurrent_activation="sigmoid", use_bias=True, **kwargs):
        kwargs.setdefault("units", units)
        kwargs.setdefault("recurrent_activation", recurrent_activation)
        use_cudnn = kwargs.get("use_cudnn", "auto")
        implementation = kwargs.get("implementation")
        super().__init__(activation=activation, use_bias=use_bias, **kwargs)
        self.use_cudnn = use_cudnn  # Keras 3's switch; torch picks its own kernels here
        if implementation is not None and not self.cell.recurrent_dropout:
            self.cell.implementation = int(implementation)

    implementation = property(lambda self: self.cell.implementation, doc="The cell's `implementation` (tf-keras).")

    def _fused_mode(self, training):
        cell = self.cell
        if training and cell.recurrent_dropout > 0:
            return None
        if cell.activation not in (activations.tanh, torch.tanh):
            return None
        if cell.recurrent_activation not in (activations.sigmoid, torch.sigmoid):
            return None
        return "lstm"

    def _torch_weights(self):
        cell = self.cell
        return _fused.lstm_weights(cell.kernel, cell.recurrent_kernel, cell.bias)
