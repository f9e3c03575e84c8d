"""GRU with Keras' weight layout: kernel (input_dim, 3*units), gates in the order z, r, h.

`reset_after=True` (Keras 2.3+ and Keras 3's default, the cuDNN variant) applies the reset gate after
the recurrent matmul and keeps two bias rows (input, recurrent); it is torch's GRU up to the gate
order, so it runs fused. `reset_after=False` (Keras 1/2 default) has no torch kernel and runs the
per-step loop.
"""
import torch

from tkeras import activations
from tkeras.layers.rnn import _fused
from tkeras.layers.rnn.dropout_cell import gate_matmul
from tkeras.layers.rnn.layer_dropout_masks import LayerDropoutMasks
from tkeras.layers.rnn._cell_base import CELL_CONFIG_ORDER, RecurrentCell, RecurrentLayer, apply_keras1_names
from tkeras.saving.config_compat import in_keras_order


class GRUCell(RecurrentCell):
    _gate_count = 3

    def __init__(self, units=None, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 reset_after=True, **kwargs):
        apply_keras1_names(kwargs)
        units = kwargs.pop("units", units)
        recurrent_activation = kwargs.pop("recurrent_activation", recurrent_activation)
        reset_after = kwargs.pop("reset_after", reset_after)
        implementation = kwargs.pop("implementation", 2)
        super().__init__(units=units, activation=activation, use_bias=use_bias, **kwargs)
        # read by users; both layouts compute the same here. Keras (3 and tf-keras) switches to
        # layout 1 whenever there is recurrent dropout, whatever was asked for.
        self.implementation = 1 if self.recurrent_dropout else int(implementation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        bias_shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._make_weights(input_shape, 3, bias_shape)
        self.built = True

    def call(self, inputs, states, training=None):
        h_previous = states[0] if isinstance(states, (list, tuple)) else states
        input_mask, state_mask = self._step_masks(inputs, h_previous, training)
        units = self.units
        input_bias = recurrent_bias = None
        if self.bias is not None:
            input_bias, recurrent_bias = (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)
        x = gate_matmul(inputs, input_mask, self.kernel)
        if input_bias is not None:
            x = x + input_bias
        x_z, x_r, x_h = x.split(units, dim=-1)
        if self.reset_after:
            inner = gate_matmul(h_previous, state_mask, self.recurrent_kernel)
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
            r_z, r_r, r_h = inner.split(units, dim=-1)
            z = self.recurrent_activation(x_z + r_z)
            r = self.recurrent_activation(x_r + r_r)
            candidate = self.activation(x_h + r * r_h)
        else:
            if state_mask is not None and state_mask.dim() > h_previous.dim():
                # Keras' per-gate layout: update, reset and candidate products each see their own mask.
                h_z, h_r, h_h = (h_previous * mask for mask in state_mask)
                z_in = h_z @ self.recurrent_kernel[:, :units]
                r_in = h_r @ self.recurrent_kernel[:, units:2 * units]
            else:
                h_h = h_previous if state_mask is None else h_previous * state_mask
                z_in, r_in = (h_h @ self.recurrent_kernel[:, :2 * units]).split(units, dim=-1)
            z = self.recurrent_activation(x_z + z_in)
            r = self.recurrent_activation(x_r + r_in)
            candidate = self.activation(x_h + (r * h_h) @ self.recurrent_kernel[:, 2 * units:])
        h = z * h_previous + (1.0 - z) * candidate
        return h, [h] if isinstance(states, (list, tuple)) else h  # as it came in, as SimpleRNNCell's

    def get_config(self):
        config = super().get_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config["reset_after"] = self.reset_after
        return in_keras_order(config, CELL_CONFIG_ORDER)


class GRU(LayerDropoutMasks, RecurrentLayer):
    cell_class = GRUCell

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
        if not cell.reset_after or (training and cell.recurrent_dropout > 0):
            return None
        if cell.activation not in (activations.tanh, torch.tanh):
            return None
        if cell.recurrent_activation not in (activations.sigmoid, torch.sigmoid):
            return None
        return "gru"

    def _torch_weights(self):
        cell = self.cell
        return _fused.gru_weights(cell.kernel, cell.recurrent_kernel, cell.bias)
